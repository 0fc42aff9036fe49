"""Art. 24: a revoked (or cancelled) base's institution may not apply for three years from the effective date,
counted as the Civil Code counts years. For any effective date and any later day, the eligibility check
refuses exactly while day <= last_day_of_years(effective, 3), and says until when."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role
from applications import rules
from applications.models import HearingKind
from core.periods import last_day_of_years
from supervision import services as supervision
from tests import factories

from .conftest import WITH_DB, fresh_example

pytestmark = pytest.mark.django_db

effective_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
# Days after the effective date, with the edges of the three years (1095/1096 days) drawn often.
offsets = st.one_of(st.integers(0, 1300), st.integers(1090, 1100), st.sampled_from([0, 1094, 1095, 1096, 1097]))


@pytest.fixture
def live_base(db):
    base = factories.BaseFactory(published_at=timezone.now(), recognised_on=date(1999, 1, 1))
    return base, factories.UserFactory(role=Role.PROVINCE)


@WITH_DB
@given(effective=effective_dates, offset=offsets)
def test_an_institution_is_refused_exactly_until_the_last_day_of_three_years(live_base, effective, offset):
    base, province = live_base
    day = effective + timedelta(days=offset)
    decided = timezone.make_aware(datetime.combine(effective, time(10, 0)))
    with fresh_example(), time_machine.travel(decided, tick=False):
        # decided on its effective date, the earliest the measures allow (an effect never predates its decision)
        factories.heard(base, HearingKind.REVOCATION)
        supervision.revoke(
            actor=province,
            base_id=base.pk,
            ground="public_opinion",
            reason="单位撤并",
            effective_on=effective,
        )
        problems = rules.eligibility_problems(base.institution, today=day)
    last_day = last_day_of_years(effective, 3)
    if day <= last_day:
        assert len(problems) == 1 and problems[0].article == "第二十四条", problems
        assert f"{last_day:%Y年%-m月%-d日}前（含当日）" in problems[0].message
    else:
        assert problems == []
