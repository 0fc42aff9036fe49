"""SPEC 2.2: "Two people acting on one application at once can never both succeed: one wins, the other gets a
clear message." The one who acts second posts a page that was loaded before the first decision: whatever they
asked is not done, and the page they get back says that someone else has already dealt with the record."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import HearingKind
from bases.models import ChangeFiling
from bases.services import change_draft
from supervision.models import CancellationRequest, RectificationOrder
from tests import factories
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


def staff(role, **fields):
    return client_as(factories.UserFactory(role=role, **fields))


def submitted_application():
    app = factories.ApplicationFactory(complete=True, state="submitted", submitted_at=timezone.now())
    return app, Role.RECOMMENDER, {"region": app.recommender_region}


def site_visit_application():
    app = factories.ApplicationFactory(complete=True, state="site_visit", submitted_at=timezone.now())
    factories.SiteVisitFactory(application=app)
    return app


def reported_order():
    base = factories.BaseFactory(status="rectifying", published_at=timezone.now())
    return RectificationOrder.objects.create(
        base=base,
        ground="noncompliance",
        findings="档案不全",
        deadline=date(2031, 6, 30),
        ordered_by=factories.UserFactory(role=Role.PROVINCE),
        state="reported",
        report="已补齐",
        reported_at=timezone.now(),
    )


def case_recommend_after_return():
    app, role, org = submitted_application()
    first = (
        reverse("applications:act", args=[app.pk, "return_recommender"]),
        {"return_recommender-comment": "补材料", "return_recommender-expected_state": "submitted"},
    )
    second = (
        reverse("applications:act", args=[app.pk, "recommend"]),
        {"recommend-comment": "同意", "recommend-expected_state": "submitted"},
    )
    return role, org, first, second, lambda: app.__class__.objects.get(pk=app.pk).state == "returned"


def case_approve_after_reject():
    app = site_visit_application()
    factories.heard(app, HearingKind.REFUSAL)  # the institution was heard: the reject page decides
    first = (
        reverse("applications:reject", args=[app.pk]),
        {"reject-comment": "条件不符", "reject-expected_state": "site_visit"},
    )
    second = (
        reverse("recognition:approve", args=[app.pk]),
        {"approve-recognised_on": timezone.localdate().isoformat(), "approve-expected_state": "site_visit"},
    )
    return Role.PROVINCE, {}, first, second, lambda: not hasattr(app.__class__.objects.get(pk=app.pk), "base")


def case_reject_after_approve():
    app = site_visit_application()
    factories.heard(app, HearingKind.REFUSAL)  # the institution was heard: the reject page decides
    first = (
        reverse("recognition:approve", args=[app.pk]),
        {"approve-recognised_on": timezone.localdate().isoformat(), "approve-expected_state": "site_visit"},
    )
    second = (
        reverse("applications:reject", args=[app.pk]),
        {"reject-comment": "条件不符", "reject-expected_state": "site_visit"},
    )
    return Role.PROVINCE, {}, first, second, lambda: app.__class__.objects.get(pk=app.pk).state == "approved"


def case_verify_after_verify():
    order = reported_order()
    first = (
        reverse("supervision:rectification_verify", args=[order.pk, "fail"]),
        {"comment": "未整改到位", "expected_state": "reported"},
    )
    second = (
        reverse("supervision:rectification_verify", args=[order.pk, "pass"]),
        {"comment": "通过", "expected_state": "reported"},
    )
    return Role.PROVINCE, {}, first, second, lambda: RectificationOrder.objects.get(pk=order.pk).state == "failed"


def case_change_filing_decided_twice():
    filing = factories.ChangeFilingFactory(base__published_at=timezone.now())
    confirmed = {"accept": "1", "comment": "", "confirm-digest": change_draft(filing).digest}  # after the preview
    first = (reverse("bases:change_detail", args=[filing.pk]), confirmed)
    second = (reverse("bases:change_detail", args=[filing.pk]), {"comment": "请补充证明"})
    return Role.PROVINCE, {}, first, second, lambda: ChangeFiling.objects.get(pk=filing.pk).state == "accepted"


def case_cancellation_decided_twice():
    base = factories.BaseFactory(published_at=timezone.now())
    requester = factories.InstitutionUserFactory(institution=base.institution)
    request = CancellationRequest.objects.create(
        base=base, requested_by=requester, requester_role="institution", reason="停办"
    )
    first = (reverse("supervision:cancellation", args=[request.pk]), {"decision": "不同意"})
    second = (reverse("supervision:cancellation", args=[request.pk]), {"decision": "仍不同意，另有理由"})
    return Role.PROVINCE, {}, first, second, lambda: CancellationRequest.objects.get(pk=request.pk).decision == "不同意"


CASES = [
    pytest.param(case_recommend_after_return, "已由他人处理", id="recommend after another recommender returned it"),
    pytest.param(case_approve_after_reject, "已由他人处理", id="approve after another rejected"),
    pytest.param(case_reject_after_approve, "已由他人处理", id="reject after another approved"),
    pytest.param(case_verify_after_verify, "已由他人处理", id="verify a rectification already verified"),
    pytest.param(case_change_filing_decided_twice, "已由他人处理", id="decide a change filing already decided"),
    pytest.param(case_cancellation_decided_twice, "已由他人处理", id="decide a cancellation already decided"),
]  # fmt: skip


@pytest.mark.parametrize("case, told", CASES)
def test_the_second_to_act_is_told_someone_else_already_did_and_nothing_of_theirs_is_done(db, case, told):
    role, org, (first_url, first_data), (second_url, second_data), first_stands = case()
    first, second = staff(role, **org), staff(role, **org)
    assert first.post(first_url, first_data).status_code == 302, "the first decision failed"
    response = second.post(second_url, second_data, follow=True)
    assert first_stands(), "the second user's stale page overturned the first decision"
    assert told in response.content.decode(), "the second user is not told why nothing happened"
