"""Who may open which supervision page (SPEC 1): an inspector only what is assigned to its unit, an institution its
own confirmed inspections, rectifications and requests, a recommender those of the bases routed to it; anything
else answers 404, and a visitor who is not signed in is sent to the login page. The table is generated against
the URL list, so a new supervision URL without a row fails."""

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import FraudReport
from experts.models import Panel
from supervision import services, urls
from supervision.models import (
    CancellationRequest,
    Inspection,
    InspectionPlan,
    InspectionState,
    Item,
    ObligationReminder,
    RectificationOrder,
    Result,
    SupervisionDocument,
)
from tests import factories

from .conftest import XIAMEN, base_in, listed, order, record, schedule

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "province",
    "inspector",
    "inspector_other",
    "institution",
    "institution_other",
    "recommender",
    "recommender_other",
    "admin",
]


@pytest.fixture
def world(
    base,
    province_user,
    inspector_user,
    other_inspector,
    institution_user,
    other_institution_user,
    recommender_user,
    xiamen_recommender,
):
    """福州 base of `institution`, recommended by `recommender`'s unit, inspected by `inspector`'s unit."""
    w = SimpleNamespace(base=base)
    unit = inspector_user.inspector_unit
    w.confirmed = schedule(province_user, base, unit=unit)
    services.record_result(
        actor=inspector_user,
        inspection_id=w.confirmed.pk,
        inspected_on=timezone.localdate(),
        verdicts={i.value: "meets" for i in Item},
        notes={},
        result=Result.FAIL,
        summary="不合格。",
        files={"faculty": factories.pdf_file("师资.pdf")},
    )
    services.inspection_transition(actor=province_user, inspection_id=w.confirmed.pk, action="confirm")
    w.inspection_doc = SupervisionDocument.objects.get(inspection=w.confirmed)
    w.scheduled = schedule(province_user, base, unit=unit)
    w.recorded = schedule(province_user, base, unit=unit)
    record(inspector_user, w.recorded)
    w.order = order(province_user, base, deadline=timezone.localdate() + timedelta(days=30))
    w.cancellation = services.request_cancellation(actor=institution_user, base_id=base.pk, reason="业务调整。")
    for _ in range(2):
        base_in(XIAMEN)
    w.draw = services.draw_spot_check(
        actor=province_user, size=1, scheduled_on=timezone.localdate(), province_team="王五"
    )
    # Art. 20: a 厦门 unit with a capacity and a draft three-year plan
    far_unit = factories.InspectorUnitFactory(region=factories.region(XIAMEN))
    services.set_capacity(actor=province_user, unit_id=far_unit.pk, per_month=3)
    w.plan = services.propose_plan(actor=province_user)
    w.plan_entry = w.plan.entries.order_by("id").first()
    w.app = base.application
    w.fraud_report = FraudReport.objects.create(application=w.app, reported_by=recommender_user, facts="涉嫌伪造证明。")
    w.users = {
        "province": province_user,
        "inspector": inspector_user,
        "inspector_other": other_inspector,
        "institution": institution_user,
        "institution_other": other_institution_user,
        "recommender": recommender_user,
        "recommender_other": xiamen_recommender,
        "admin": factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    return w


@dataclass
class Row:
    name: str
    args: object  # callable(world) -> list of url args
    ok: dict = field(default_factory=dict)  # actor -> status for GET; everyone else signed in gets 404
    post: bool = False  # POST-only: only the denial is checked here (the allowed paths have their own tests)


def only(status, *actors):
    return {a: status for a in actors}


NONE = lambda w: []  # noqa: E731

ROWS = [
    Row("supervision:list", NONE, only(200, "province", "inspector", "inspector_other")),
    Row("supervision:schedule", NONE, only(200, "province")),
    Row("supervision:detail", lambda w: [w.confirmed.pk], only(200, "province", "inspector", "institution")),
    Row("supervision:record", lambda w: [w.scheduled.pk], only(200, "province", "inspector"), post=True),
    Row("supervision:act", lambda w: [w.recorded.pk, "confirm"], only(200, "province"), post=True),
    Row("supervision:panel", lambda w: [w.scheduled.pk], only(200, "province"), post=True),
    Row("supervision:document", lambda w: [w.inspection_doc.pk], only(200, "province", "inspector", "institution")),
    Row("supervision:draws", NONE, only(200, "province")),
    Row("supervision:draw_new", NONE, only(200, "province")),
    Row("supervision:draw", lambda w: [w.draw.pk], only(200, "province")),
    Row("supervision:draw_publish", lambda w: [w.draw.pk], only(200, "province"), post=True),
    Row(
        "supervision:rectifications",
        NONE,
        only(200, "province", "institution", "institution_other", "recommender", "recommender_other"),
    ),
    Row("supervision:plans", NONE, only(200, "province")),
    Row("supervision:plan_new", NONE, only(200, "province"), post=True),
    Row("supervision:plan", lambda w: [w.plan.pk], only(200, "province")),
    Row("supervision:plan_unplaced", lambda w: [w.plan.pk], only(200, "province")),
    Row("supervision:plan_move", lambda w: [w.plan_entry.pk], only(200, "province")),
    Row("supervision:plan_accept", lambda w: [w.plan.pk], only(200, "province"), post=True),
    Row("supervision:capacities", NONE, only(200, "province")),
    Row("supervision:rectification_new", lambda w: [w.base.pk], only(200, "province")),
    Row("supervision:rectification", lambda w: [w.order.pk], only(200, "province", "institution", "recommender")),
    Row("supervision:rectification_report", lambda w: [w.order.pk], only(200, "institution"), post=True),
    Row("supervision:rectification_verify", lambda w: [w.order.pk, "pass"], only(200, "province"), post=True),
    Row("supervision:revoke", lambda w: [w.base.pk], only(200, "province")),
    Row(
        "supervision:cancellations",
        NONE,
        only(200, "province", "institution", "institution_other", "recommender", "recommender_other"),
    ),
    Row("supervision:cancellation_new", lambda w: [w.base.pk], only(200, "institution", "recommender")),
    Row(
        "supervision:cancellation",
        lambda w: [w.cancellation.pk],
        only(200, "province", "institution", "recommender"),
    ),
    # Fraud (Art. 24): the recommending unit reports, the province finds; never the institution.
    Row("supervision:fraud", lambda w: [w.app.pk], only(200, "province"), post=True),
    Row("supervision:fraud_report_new", lambda w: [w.app.pk], only(200, "recommender"), post=True),
    Row("supervision:fraud_reports", NONE, only(200, "province")),
    # the obligations monitor (issue 18 (4)): the province's alone
    Row("supervision:obligations", NONE, only(200, "province")),
    Row("supervision:obligations_remind", NONE, only(200, "province"), post=True),
    Row("supervision:obligation_remind", lambda w: [w.base.pk], only(200, "province"), post=True),
    Row("supervision:fraud_report", lambda w: [w.fraud_report.pk], only(200, "province", "recommender")),
]

# What a denied POST carries: what would change something if the actor were allowed.
POST_DATA = {
    "supervision:record": lambda w: {
        "inspected_on": timezone.localdate().isoformat(),
        "result": "pass",
        "summary": "合格。",
        **{f"verdict_{i.value}": "meets" for i in Item},
    },
    "supervision:act": lambda w: {"comment": "", "expected_state": "recorded"},
    "supervision:draw_publish": lambda w: {},
    "supervision:plan_new": lambda w: {},
    "supervision:plan_accept": lambda w: {"expected_state": "draft"},
    "supervision:panel": lambda w: {"panel-fields": "工程技术", "panel-size": "2"},
    "supervision:rectification_report": lambda w: {"report": "已整改。", "expected_state": "open"},
    "supervision:rectification_verify": lambda w: {"comment": "通过。"},
    "supervision:fraud": lambda w: {"fraud-facts": "伪造证明。"},
    "supervision:fraud_report_new": lambda w: {"fraud_report-facts": "涉嫌伪造证明。"},
    "supervision:obligations_remind": lambda w: {"duty": "fee_disclosure"},
    "supervision:obligation_remind": lambda w: {"duty": "fee_disclosure"},
}


def snapshot(w):
    """The states a denied POST must leave alone."""
    return (
        list(Inspection.objects.order_by("id").values_list("state", flat=True)),
        list(RectificationOrder.objects.order_by("id").values_list("state", flat=True)),
        list(CancellationRequest.objects.order_by("id").values_list("state", flat=True)),
        type(w.draw).objects.get(pk=w.draw.pk).published_at,
        Panel.objects.count(),
        ObligationReminder.objects.count(),
        list(InspectionPlan.objects.order_by("id").values_list("state", flat=True)),
    )


def test_every_supervision_url_has_a_row():
    names = {f"supervision:{p.name}" for p in urls.urlpatterns}
    assert names == {r.name for r in ROWS}


@pytest.mark.parametrize("row", [r for r in ROWS if not r.post], ids=lambda r: r.name)
def test_get_answers_what_the_table_says(row, world, client_as):
    url = reverse(row.name, args=row.args(world))
    wrong = []
    for actor in ACTORS:
        response = client_as(world.users.get(actor)).get(url)
        if actor == "anonymous":
            ok = response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")
        else:
            ok = response.status_code == row.ok.get(actor, 404)
        if not ok:
            wrong.append((actor, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("row", [r for r in ROWS if r.post], ids=lambda r: r.name)
def test_a_denied_post_answers_404_and_changes_nothing(row, world, client_as):
    url = reverse(row.name, args=row.args(world))
    before = snapshot(world)
    wrong = []
    for actor in ACTORS:
        if actor in row.ok:
            continue
        response = client_as(world.users.get(actor)).post(url, POST_DATA[row.name](world))
        if actor == "anonymous":
            ok = response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")
        else:
            ok = response.status_code == 404
        if not ok:
            wrong.append((actor, response.status_code))
    assert wrong == []
    assert snapshot(world) == before


def test_the_institution_sees_only_its_confirmed_inspections(world, client_as):
    inst = client_as(world.users["institution"])

    for inspection, status in [(world.confirmed, 200), (world.scheduled, 404), (world.recorded, 404)]:
        assert inst.get(reverse("supervision:detail", args=[inspection.pk])).status_code == status


def test_the_inspection_list_shows_an_inspector_only_its_units_inspections(world, client_as):
    mine = listed(client_as(world.users["inspector"]).get(reverse("supervision:list")), "")
    theirs = listed(client_as(world.users["inspector_other"]).get(reverse("supervision:list")), "")
    everything = listed(client_as(world.users["province"]).get(reverse("supervision:list")), "")

    assert sorted(mine) == sorted([world.confirmed.pk, world.scheduled.pk, world.recorded.pk])
    assert theirs == []
    assert len(everything) == 4  # and the spot check of the draw, assigned to no unit


def test_the_rectification_list_shows_a_recommender_only_the_bases_routed_to_it(world, client_as):
    url = reverse("supervision:rectifications")

    assert listed(client_as(world.users["recommender"]).get(url), "rectifications/") == [world.order.pk]
    assert listed(client_as(world.users["recommender_other"]).get(url), "rectifications/") == []
    assert listed(client_as(world.users["institution_other"]).get(url), "rectifications/") == []
    assert listed(client_as(world.users["institution"]).get(url), "rectifications/") == [world.order.pk]


def test_the_unconfirmed_inspections_documents_are_hidden_from_the_institution(world, client_as):
    doc = SupervisionDocument.objects.create(
        inspection=world.recorded,
        item="credit",
        file=factories.pdf_file("信用.pdf"),
        kind="pdf",
        content_type="application/pdf",
        original_name="信用.pdf",
        size=len(factories.TINY_PDF),
        uploaded_by=world.users["inspector"],
    )

    world.recorded.refresh_from_db()
    assert world.recorded.state == InspectionState.RECORDED
    url = reverse("supervision:document", args=[doc.pk])
    assert client_as(world.users["institution"]).get(url).status_code == 404
    assert client_as(world.users["inspector"]).get(url).status_code == 200
    assert client_as(world.users["inspector_other"]).get(url).status_code == 404


def test_every_attachment_link_the_recommender_is_shown_opens(world, client_as):
    services.report_rectification(
        actor=world.users["institution"],
        order_id=world.order.pk,
        report="已整改。",
        files=[factories.pdf_file("整改报告.pdf")],
    )
    recommender = client_as(world.users["recommender"])
    page = recommender.get(reverse("supervision:rectification", args=[world.order.pk])).content.decode()
    links = listed_links(page)

    assert links, "the recommender is shown the report's attachment"
    assert [recommender.get(url).status_code for url in links] == [200] * len(links)


def listed_links(page: str) -> list[str]:
    import re

    return re.findall(r'href="(/inspections/documents/\d+/)"', page)


def test_the_institution_finds_its_confirmed_inspection_and_its_rectification_on_its_base_page(world, client_as):
    page = client_as(world.users["institution"]).get(reverse("bases:detail", args=[world.base.pk])).content.decode()

    assert reverse("supervision:detail", args=[world.confirmed.pk]) in page
    assert reverse("supervision:rectification", args=[world.order.pk]) in page
    assert reverse("supervision:detail", args=[world.scheduled.pk]) not in page  # not confirmed yet
