"""Art. 19 reminders: on any day the job runs, it reminds only if the day (month, day) is one of
ANNUAL_FILING_REMINDER_DAYS, and running it again that day never adds a message."""

from datetime import date

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bases import services
from core.models import Notification
from tests import factories

from .conftest import WITH_DB, fresh_example

pytestmark = pytest.mark.django_db

DEFAULT = ["12-01", "12-15", "12-25", "12-31"]
any_day = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
# Mostly the default list; sometimes another configuration, including 29 February.
month_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)).map(lambda d: f"{d:%m-%d}")
configurations = st.one_of(st.just(DEFAULT), st.lists(month_days, min_size=1, max_size=5, unique=True))
# Reminder days and their neighbours are drawn often, so both branches are exercised.
days = st.one_of(
    any_day,
    st.builds(lambda y, md: date(y, int(md[:2]), int(md[3:])), st.integers(2020, 2035), st.sampled_from(DEFAULT)),
)


@pytest.fixture
def owing(db):
    """Two active bases recognised in 2019, each with one active staff account, that never file."""
    staff = []
    for _ in range(2):
        institution = factories.InstitutionFactory()
        user = factories.InstitutionUserFactory(institution=institution)
        app = factories.ApplicationFactory(institution=institution, created_by=user, state="approved")
        factories.BaseFactory(application=app, recognised_on=date(2019, 3, 1), year=2019, published_at=timezone.now())
        staff.append(user)
    return staff


@WITH_DB
@given(day=days, configured=configurations)
def test_reminders_go_out_only_on_a_configured_day_and_a_second_run_adds_nothing(owing, day, configured):
    with fresh_example(), override_settings(ANNUAL_FILING_REMINDER_DAYS=configured):
        sent = services.send_filing_reminders(today=day)
        total = Notification.objects.count()
        again = services.send_filing_reminders(today=day)
        assert Notification.objects.count() == total
    is_reminder_day = f"{day:%m-%d}" in configured
    assert sent == (len(owing) if is_reminder_day else 0), (day, configured)
    assert again == 0
