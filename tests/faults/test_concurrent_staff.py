"""Two staff acting on one record at the same moment, through the pages: exactly one of them succeeds, the other
is told in Chinese that someone else acted first, and the record, its timeline and the register show one
outcome. PostgreSQL only (real row locks); skipped locally, required in CI.

(tests/applications/test_concurrency.py races the services; these race the views, as two browsers would.
What the one who lost is told is in test_second_to_act.py, which needs no race to show it.)
"""

from collections import Counter
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, HearingKind
from bases.models import Base, RegisterSequence
from core.models import Notification, TimelineEvent
from supervision.models import RectificationOrder
from tests import factories
from tests.helpers import client_as, revocation_digest

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    factories.restore_reference_data()


@pytest.fixture
def two_staff(postgres):
    """Two province staff, each signed in in their own browser."""
    return [client_as(factories.UserFactory(role=Role.PROVINCE)) for _ in range(2)]


def site_visit_application(**fields) -> Application:
    """A complete application whose site visit is recorded: ready for the province's decision."""
    app = factories.ApplicationFactory(complete=True, state="site_visit", submitted_at=timezone.now(), **fields)
    factories.SiteVisitFactory(application=app)
    return app


def events(obj, **filters):
    ct = ContentType.objects.get_for_model(type(obj))
    return list(TimelineEvent.objects.filter(content_type=ct, object_id=obj.pk, **filters))


def outcome(results):
    """The HTTP status of each request, or the exception it raised."""
    return [value.status_code if kind == "ok" else value for kind, value in results]


def post(client, url, data):
    return lambda: client.post(url, data)


def test_approve_and_reject_of_one_application_at_once_leave_one_decision(two_staff):
    app = site_visit_application()
    factories.heard(app, HearingKind.REFUSAL)  # the institution was heard: the reject page decides
    approve = {"approve-recognised_on": timezone.localdate().isoformat(), "approve-expected_state": "site_visit"}
    reject = {"reject-comment": "条件不符", "reject-expected_state": "site_visit"}
    results = race(
        post(two_staff[0], reverse("recognition:approve", args=[app.pk]), approve),
        post(two_staff[1], reverse("applications:reject", args=[app.pk]), reject),
    )
    statuses = outcome(results)
    assert sorted(statuses) == [302, 400], statuses  # what the loser is told: test_second_to_act.py

    app.refresh_from_db()
    decisions = events(app, from_state="site_visit")
    assert len(decisions) == 1
    if statuses[0] == 302:
        assert app.state == "approved" and decisions[0].action == "approve"
        assert Base.objects.filter(application=app).count() == 1
    else:
        assert app.state == "rejected" and decisions[0].action == "reject"
        assert not Base.objects.filter(application=app).exists()


def test_two_staff_approving_one_application_at_once_create_one_base_with_one_number(two_staff):
    app = site_visit_application()
    data = {"approve-recognised_on": timezone.localdate().isoformat(), "approve-expected_state": "site_visit"}
    url = reverse("recognition:approve", args=[app.pk])
    statuses = outcome(race(post(two_staff[0], url, data), post(two_staff[1], url, data)))
    assert sorted(statuses) == [302, 400], statuses
    assert Base.objects.filter(application=app).count() == 1
    assert RegisterSequence.objects.get(year=timezone.localdate().year).last == 1
    assert len(events(app, action="recognise")) == 1


def test_three_approvals_of_different_applications_at_once_get_consecutive_distinct_numbers(postgres):
    batch = factories.BatchFactory()
    apps = [site_visit_application(batch=batch) for _ in range(3)]
    clients = [client_as(factories.UserFactory(role=Role.PROVINCE)) for _ in apps]
    data = {"approve-recognised_on": timezone.localdate().isoformat(), "approve-expected_state": "site_visit"}
    statuses = outcome(
        race(*[post(c, reverse("recognition:approve", args=[a.pk]), data) for c, a in zip(clients, apps, strict=True)])
    )
    assert statuses == [302, 302, 302], statuses
    bases = Base.objects.filter(application__in=apps)
    assert sorted(bases.values_list("sequence", flat=True)) == [1, 2, 3]
    assert sorted(bases.values_list("register_number", flat=True)) == [
        f"闽继教基地〔{timezone.localdate().year}〕{n:03d}号" for n in (1, 2, 3)
    ]


@pytest.fixture
def reported_order(postgres):
    """A rectification order the base has reported on, waiting for the province's verification."""
    base = factories.BaseFactory(status="rectifying", published_at=timezone.now())
    factories.InstitutionUserFactory(institution=base.institution)
    return RectificationOrder.objects.create(
        base=base,
        ground="noncompliance",
        findings="培训档案不全",
        deadline=date(2031, 6, 30),
        ordered_by=factories.UserFactory(role=Role.PROVINCE),
        state="reported",
        report="已补齐",
        reported_at=timezone.now(),
    )


@pytest.mark.parametrize("first, second", [("pass", "fail"), ("pass", "pass"), ("fail", "fail")])
def test_two_staff_verifying_one_rectification_at_once_leave_one_verdict(two_staff, reported_order, first, second):
    order = reported_order
    institution = order.base.institution
    before = set(Notification.objects.filter(recipient__institution=institution).values_list("pk", flat=True))

    def verify(client, action):
        data = {"comment": f"核验意见：{action}", "expected_state": "reported"}
        return post(client, reverse("supervision:rectification_verify", args=[order.pk, action]), data)

    results = race(verify(two_staff[0], first), verify(two_staff[1], second))
    statuses = outcome(results)
    assert sorted(statuses) == [302, 400], statuses

    won = (first, second)[statuses.index(302)]
    order.refresh_from_db()
    assert order.state == {"pass": "passed", "fail": "failed"}[won]
    assert order.verification == f"核验意见：{won}"
    verdicts = events(order, from_state="reported")
    assert len(verdicts) == 1 and verdicts[0].action == won
    order.base.refresh_from_db()
    assert order.base.status == ("active" if won == "pass" else "rectifying")
    told = Counter(
        Notification.objects.filter(recipient__institution=institution)
        .exclude(pk__in=before)
        .values_list("recipient_id", flat=True)
    )
    staff = institution.users.filter(is_active=True).values_list("pk", flat=True)
    assert told == Counter(staff), "each of the institution's staff is told once, of the one verdict"


def test_two_staff_revoking_one_base_at_once_issue_one_decision_with_one_number(two_staff):
    """Issue 14: two officials deciding the same case at once: exactly one decision, one 文号, one timeline
    entry, one announcement and one bar."""
    from applications.models import Bar
    from bases.models import Announcement
    from core.models import Decision
    from supervision.models import Revocation

    base = factories.BaseFactory(published_at=timezone.now())
    factories.heard(base, HearingKind.REVOCATION)  # the institution was heard: the revoke page decides
    url = reverse("supervision:revoke", args=[base.pk])
    data = {"ground": "public_opinion", "reason": "引发重大舆情。", "effective_on": timezone.localdate().isoformat()}
    data["digest"] = revocation_digest(base, **{k: data[k] for k in ("ground", "reason", "effective_on")})

    statuses = outcome(race(post(two_staff[0], url, data), post(two_staff[1], url, data)))
    assert sorted(statuses) == [200, 302], statuses

    base.refresh_from_db()
    assert base.status == "revoked"
    assert Revocation.objects.filter(base=base).count() == 1
    decision = Decision.objects.exclude(kind="hearing_notice").get()  # 1号 is the notice (SPEC 2.10)
    assert decision.number == f"闽人社文〔{timezone.localdate().year}〕2号"
    assert Revocation.objects.get().decision == decision
    assert len(events(base, action="revoke")) == 1 and len(events(base, action="revocation_decided")) == 1
    assert Announcement.objects.filter(base=base).count() == 1 and Bar.objects.filter(base=base).count() == 1
