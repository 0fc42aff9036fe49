"""Art. 26 under races: two officials drawing one case's experts at the same moment form one panel between
them; two draws for one empty seat seat one expert; an expert giving up a seat while the province fills the
panel never leaves it with more experts than its size. PostgreSQL only (real row locks); required in CI."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from experts import services
from experts.models import Assignment, Draw, Panel, PanelPurpose
from supervision import services as supervision
from tests import factories
from tests.helpers import client_as

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    factories.restore_reference_data()


@pytest.fixture
def province(postgres):
    return factories.UserFactory(role=Role.PROVINCE)


@pytest.fixture
def inspection(province):
    institution = factories.InstitutionFactory(region=factories.region("350100"))
    app = factories.ApplicationFactory(institution=institution, state="approved")
    base = factories.BaseFactory(application=app, published_at=timezone.now(), fields="工程技术")
    return supervision.schedule_inspection(
        actor=province, base_id=base.pk, kind="periodic", scheduled_on=timezone.localdate(), province_team="甲、乙"
    )


def seated(panel_id) -> int:
    return Assignment.objects.filter(panel_id=panel_id, state__in=["drawn", "declared"]).count()


def panel_of_one(province, inspection) -> Panel:
    return services.create_panel(
        actor=province,
        purpose=PanelPurpose.INSPECTION,
        case=inspection,
        institution=inspection.base.institution,
        case_label="考核",
        fields="工程技术",
        size=1,
    )


def test_two_officials_drawing_one_inspections_experts_at_once_form_one_panel(province, inspection):
    factories.ExpertFactory.create_batch(6)
    clients = [client_as(province), client_as(factories.UserFactory(role=Role.PROVINCE))]
    url = reverse("supervision:panel", args=[inspection.pk])
    data = {"panel-fields": "工程技术", "panel-size": "3"}

    results = race(*(lambda c=c: c.post(url, data) for c in clients))

    statuses = sorted(value.status_code if kind == "ok" else value for kind, value in results)
    assert statuses == [302, 400]
    panel = Panel.objects.get()
    assert seated(panel.pk) == 3 and Draw.objects.count() == 1


def test_two_draws_for_one_empty_seat_at_once_seat_one_expert(province, inspection):
    only = factories.ExpertFactory(user=factories.ExpertUserFactory())
    panel = panel_of_one(province, inspection)
    services.declare_conflict(actor=only.user, assignment_id=panel.assignments.get().pk, reason="曾在该机构授课。")
    assert seated(panel.pk) == 0  # nobody was left to replace them
    factories.ExpertFactory.create_batch(3)  # the pool has grown
    staff = [province, factories.UserFactory(role=Role.PROVINCE)]

    results = race(*(lambda u=u: services.fill_panel(actor=u, panel_id=panel.pk) for u in staff))

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"]
    refusal = next(value for kind, value in results if kind == "error")
    assert str(refusal) == "专家组人数已满，无需补抽。"
    assert seated(panel.pk) == 1


def test_a_seat_given_up_while_the_province_fills_the_panel_never_overfills_it(province, inspection):
    experts = [factories.ExpertFactory(user=factories.ExpertUserFactory()) for _ in range(4)]
    panel = panel_of_one(province, inspection)
    seat = panel.assignments.get()
    expert = next(e for e in experts if e.pk == seat.expert_id)

    race(
        lambda: services.declare_conflict(actor=expert.user, assignment_id=seat.pk, reason="近三年在该机构兼职。"),
        lambda: services.fill_panel(actor=province, panel_id=panel.pk),
    )

    assert seated(panel.pk) == 1
