"""Art. 26 on the cases' own pages: the province draws a site visit's or an inspection's experts from the
page of the application or the inspection, once, while the case awaits them; an expert reads the case and its
files read-only from the moment they declare no conflict, never before and never after giving the seat up, and
without the history of how the case was handled."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from applications.models import VISIT_ITEMS, ApplicationDocument
from core.models import TimelineEvent
from experts import services
from experts.models import Panel, PanelPurpose
from supervision import services as supervision
from supervision.models import Item, SupervisionDocument
from tests import factories
from tests.helpers import assert_constant_queries, client_as

from .conftest import seated

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(db):
    return [factories.ExpertFactory(user=factories.ExpertUserFactory()) for _ in range(5)]


@pytest.fixture
def province_client(province):
    return client_as(province)


@pytest.fixture
def inspection(province, institution):
    """A periodic inspection of the institution's base, scheduled for today and not yet held."""
    app = factories.ApplicationFactory(institution=institution, state="approved")
    base = factories.BaseFactory(application=app, published_at=timezone.now(), fields="工程技术")
    return supervision.schedule_inspection(
        actor=province,
        base_id=base.pk,
        kind="periodic",
        scheduled_on=timezone.localdate(),
        province_team="省人社厅 张三、李四",
    )


@pytest.fixture
def visit_app(institution):
    return factories.ApplicationFactory(institution=institution, state="site_visit", complete=True)


def panel_of(case):
    return Panel.objects.filter(case_id=case.pk, purpose=case_purpose(case)).first()


def case_purpose(case):
    return PanelPurpose.INSPECTION if case._meta.model_name == "inspection" else PanelPurpose.SITE_VISIT


DRAW = {"panel-fields": "工程技术", "panel-size": "2"}


# -- the province draws from the case's page -------------------------------------------------------------


def test_the_province_draws_an_inspections_experts_from_its_page_to_score_the_nine_items(
    inspection, experts, province_client
):
    page = province_client.get(reverse("supervision:detail", args=[inspection.pk])).content.decode()
    assert "组建评审专家组" in page and 'name="panel-size"' in page

    response = province_client.post(reverse("supervision:panel", args=[inspection.pk]), DRAW)

    assert response.status_code == 302 and response["Location"].endswith(f"/inspections/{inspection.pk}/#panel")
    panel = panel_of(inspection)
    assert (panel.purpose, panel.size, panel.institution_id) == ("inspection", 2, inspection.base.institution_id)
    assert [row[0] for row in panel.items] == [item.value for item in Item]
    assert {row[2] for row in panel.items} == {"第二十条"}
    assert len(seated(panel)) == 2
    page = province_client.get(reverse("supervision:detail", args=[inspection.pk])).content.decode()
    assert 'name="panel-size"' not in page
    for seat in seated(panel):
        assert seat.expert.name in page
    assert reverse("experts:panel", args=[panel.pk]) in page


def test_the_province_draws_a_site_visits_experts_from_the_application_to_score_the_art_7_conditions(
    visit_app, experts, province_client
):
    response = province_client.post(reverse("applications:visit_panel", args=[visit_app.pk]), DRAW)

    assert response.status_code == 302 and response["Location"].endswith(f"/applications/{visit_app.pk}/#panel")
    panel = panel_of(visit_app)
    assert panel.purpose == "site_visit" and panel.items == VISIT_ITEMS
    assert panel.case_label == f"{visit_app.institution.name}申报实地考察"
    page = province_client.get(reverse("applications:detail", args=[visit_app.pk])).content.decode()
    assert "评审专家组（第二十六条）" in page and 'name="panel-size"' not in page


def test_bad_input_is_refused_in_chinese_and_keeps_what_was_typed(inspection, experts, province_client):
    response = province_client.post(
        reverse("supervision:panel", args=[inspection.pk]), {"panel-fields": "工程技术、经济", "panel-size": "99"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "专家人数不超过15名。" in page and 'value="工程技术、经济"' in page
    assert panel_of(inspection) is None


def test_a_panel_larger_than_the_conflict_free_pool_is_refused_and_nothing_is_half_drawn(
    visit_app, experts, province_client
):
    response = province_client.post(
        reverse("applications:visit_panel", args=[visit_app.pk]), {"panel-fields": "工程技术", "panel-size": "9"}
    )

    assert response.status_code == 400
    assert 'value="工程技术"' in response.content.decode()
    assert panel_of(visit_app) is None


def test_a_case_gets_one_panel(inspection, experts, province_client):
    province_client.post(reverse("supervision:panel", args=[inspection.pk]), DRAW)

    again = province_client.post(reverse("supervision:panel", args=[inspection.pk]), DRAW)

    assert again.status_code == 400 and "该考核已组建评审专家组。" in again.content.decode()
    assert Panel.objects.count() == 1


def test_no_panel_is_drawn_for_an_application_not_awaiting_its_visit(institution, experts, province, province_client):
    submitted = factories.ApplicationFactory(institution=institution, state="submitted", complete=True)

    page = province_client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    response = province_client.post(reverse("applications:visit_panel", args=[submitted.pk]), DRAW)

    assert 'name="panel-size"' not in page
    assert response.status_code == 400 and "安排实地考察后，方可为其抽取评审专家。" in response.content.decode()
    assert panel_of(submitted) is None


def test_no_panel_is_drawn_once_the_inspections_result_is_recorded(inspection, experts, province, province_client):
    supervision.record_result(
        actor=province,
        inspection_id=inspection.pk,
        inspected_on=timezone.localdate(),
        verdicts={i.value: "meets" for i in Item},
        notes={},
        result="pass",
        summary="合格。",
        files={},
    )

    response = province_client.post(reverse("supervision:panel", args=[inspection.pk]), DRAW)

    assert response.status_code in (400, 404)
    assert panel_of(inspection) is None


@pytest.mark.parametrize("role", ["institution", "recommender", "inspector", "expert"])
def test_nobody_but_the_province_draws_from_a_cases_page(role, inspection, visit_app, experts):
    user = {
        "institution": lambda: factories.InstitutionUserFactory(institution=inspection.base.institution),
        "recommender": factories.RecommenderUserFactory,
        "inspector": factories.InspectorUserFactory,
        "expert": lambda: experts[0].user,
    }[role]()
    other = client_as(user)

    for url in (
        reverse("supervision:panel", args=[inspection.pk]),
        reverse("applications:visit_panel", args=[visit_app.pk]),
    ):
        assert other.post(url, DRAW).status_code == 404
    assert Panel.objects.count() == 0


def test_the_case_pages_panel_card_costs_the_same_queries_for_two_seats_as_for_six(
    province, institution, experts, province_client
):
    factories.ExpertFactory.create_batch(4)
    small, large = (
        factories.ApplicationFactory(institution=institution, state="site_visit", complete=True) for _ in range(2)
    )
    for case, size in ((small, 2), (large, 6)):
        province_client.post(
            reverse("applications:visit_panel", args=[case.pk]), {"panel-fields": "工程技术", "panel-size": size}
        )
    assert len(seated(panel_of(large))) == 6

    assert_constant_queries(
        lambda: province_client.get(reverse("applications:detail", args=[small.pk])),
        lambda: province_client.get(reverse("applications:detail", args=[large.pk])),
    )


# -- an expert reads the case only while declared on it -------------------------------------------------


@pytest.fixture
def inspection_seat(province, inspection, experts):
    """The one seat of the inspection's panel, drawn and not yet declared; the base's files are on it."""
    services.create_panel(
        actor=province,
        purpose=PanelPurpose.INSPECTION,
        case=inspection,
        institution=inspection.base.institution,
        case_label="考核",
        fields="工程技术",
        size=1,
        items=[[item.value, item.label, "第二十条"] for item in Item],
    )
    return seated(panel_of(inspection))[0]


@pytest.fixture
def visit_seat(province, visit_app, experts):
    services.create_panel(
        actor=province,
        purpose=PanelPurpose.SITE_VISIT,
        case=visit_app,
        institution=visit_app.institution,
        case_label="实地考察",
        fields="工程技术",
        size=1,
        items=VISIT_ITEMS,
    )
    return seated(panel_of(visit_app))[0]


def test_an_expert_cannot_open_the_application_or_its_files_before_declaring(visit_seat, visit_app):
    expert = client_as(visit_seat.expert.user)
    document = ApplicationDocument.objects.filter(application=visit_app).first()

    assert expert.get(reverse("applications:detail", args=[visit_app.pk])).status_code == 404
    assert expert.get(reverse("applications:download", args=[visit_app.pk, document.pk])).status_code == 404

    services.declare(actor=visit_seat.expert.user, assignment_id=visit_seat.pk)

    page = expert.get(reverse("applications:detail", args=[visit_app.pk]))
    assert page.status_code == 200
    assert expert.get(reverse("applications:download", args=[visit_app.pk, document.pk])).status_code == 200


def test_the_declared_expert_reads_the_application_without_its_history_or_any_action(visit_seat, visit_app, province):
    services.declare(actor=visit_seat.expert.user, assignment_id=visit_seat.pk)
    TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(visit_app),
        object_id=visit_app.pk,
        actor=province,
        action="comment",
        label="内部意见",
        comment="仅供经办人员参阅的意见",
    )

    page = client_as(visit_seat.expert.user).get(reverse("applications:detail", args=[visit_app.pk]))

    text = page.content.decode()
    assert visit_app.institution.name in text
    assert "办理记录" not in text and "仅供经办人员参阅的意见" not in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'name="panel-size"' not in text


def test_an_expert_reads_the_inspection_and_its_records_once_declared(inspection_seat, inspection):
    expert = client_as(inspection_seat.expert.user)
    url = reverse("supervision:detail", args=[inspection.pk])
    assert expert.get(url).status_code == 404

    services.declare(actor=inspection_seat.expert.user, assignment_id=inspection_seat.pk)

    page = expert.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and inspection.base.name in text
    assert "办理记录" not in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    assert page.context["records"] is not None  # the faculty pool and courseware log behind items 1, 5, 6


def test_an_expert_who_declared_a_conflict_never_opens_the_case(inspection_seat, inspection):
    services.declare_conflict(
        actor=inspection_seat.expert.user, assignment_id=inspection_seat.pk, reason="曾在该机构兼职授课。"
    )

    assert (
        client_as(inspection_seat.expert.user).get(reverse("supervision:detail", args=[inspection.pk])).status_code
        == 404
    )


def test_an_expert_declared_on_one_case_opens_no_other_case_or_its_files(
    inspection_seat, inspection, province, institution
):
    services.declare(actor=inspection_seat.expert.user, assignment_id=inspection_seat.pk)
    other_base = factories.BaseFactory(
        application=factories.ApplicationFactory(state="approved"), published_at=timezone.now()
    )
    other = supervision.schedule_inspection(
        actor=province, base_id=other_base.pk, kind="periodic", scheduled_on=timezone.localdate(), province_team="甲"
    )
    supervision.record_result(
        actor=province,
        inspection_id=other.pk,
        inspected_on=timezone.localdate(),
        verdicts={i.value: "meets" for i in Item},
        notes={},
        result="pass",
        summary="合格。",
        files={"faculty": factories.pdf_file("师资.pdf")},
    )
    document = SupervisionDocument.objects.get(inspection=other)
    expert = client_as(inspection_seat.expert.user)

    assert expert.get(reverse("supervision:detail", args=[other.pk])).status_code == 404
    assert expert.get(reverse("supervision:document", args=[document.pk])).status_code == 404
    assert expert.get(reverse("applications:detail", args=[inspection.base.application_id])).status_code == 404
