"""Edges of Art. 23-24 found in review: a future revocation's bar, the ground of a failed inspection,
and a rectification report that came only after its deadline."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications import rules
from applications.models import HearingKind
from core.errors import RuleViolation
from core.periods import last_day_of_years
from supervision import services
from supervision.models import Result
from tests import factories

from .conftest import at, confirmed, order

pytestmark = pytest.mark.django_db


def test_a_revocation_dated_ahead_bars_the_institution_from_today_until_three_years_after(province_user, base):
    with at(2026, 3, 2, 10, 0):
        effective = date(2026, 4, 1)
        factories.heard(base, HearingKind.REVOCATION)
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground="public_opinion",
            reason="撤并，无法恢复",
            effective_on=effective,
        )
        problems = rules.eligibility_problems(base.institution)
    assert problems and problems[0].article == "第二十四条"
    assert f"{last_day_of_years(effective, 3):%Y年%-m月%-d日}" in problems[0].message


def test_failed_inspection_ground_needs_a_confirmed_failed_inspection_of_the_base(province_user, base):
    deadline = timezone.localdate() + timedelta(days=30)
    with pytest.raises(RuleViolation, match="不合格考核"):
        services.order_rectification(
            actor=province_user, base_id=base.pk, ground="failed_inspection", findings="不合格", deadline=deadline
        )
    passed = confirmed(province_user, base, result=Result.PASS)
    with pytest.raises(RuleViolation, match="不合格考核"):
        services.order_rectification(
            actor=province_user,
            base_id=base.pk,
            ground="failed_inspection",
            findings="不合格",
            deadline=deadline,
            inspection_id=passed.pk,
        )
    failed = confirmed(province_user, base, result=Result.FAIL)
    made = services.order_rectification(
        actor=province_user,
        base_id=base.pk,
        ground="failed_inspection",
        findings="不合格",
        deadline=deadline,
        inspection_id=failed.pk,
    )
    assert made.inspection_id == failed.pk


def test_a_report_after_the_deadline_does_not_save_the_base_from_revocation(province_user, institution_user, base):
    with at(2026, 5, 1, 9, 0):
        made = order(province_user, base, deadline=date(2026, 5, 31))
    with at(2026, 6, 5, 9, 0):
        services.report_rectification(actor=institution_user, order_id=made.pk, report="已整改")
        factories.heard(base, HearingKind.REVOCATION)
        revocation = services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground="failed_rectification",
            reason="逾期未整改",
            effective_on=date(2026, 6, 5),
            rectification_id=made.pk,
        )
    assert revocation.rectification_id == made.pk


def test_a_report_within_the_deadline_must_be_verified_before_revocation(province_user, institution_user, base):
    with at(2026, 5, 1, 9, 0):
        made = order(province_user, base, deadline=date(2026, 5, 31))
    with at(2026, 5, 20, 9, 0):
        services.report_rectification(actor=institution_user, order_id=made.pk, report="已整改")
    with at(2026, 6, 5, 9, 0), pytest.raises(RuleViolation, match="整改未通过或逾期未整改"):
        services.revoke(
            actor=province_user,
            base_id=base.pk,
            ground="failed_rectification",
            reason="x",
            effective_on=date(2026, 6, 5),
            rectification_id=made.pk,
        )
