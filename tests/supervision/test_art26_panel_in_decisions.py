"""Art. 26 with Art. 8(4), 9 and 23: the recognition decision states the conclusion of the expert panel drawn
for the applicant's site visit, and a rectification order that rests on a failed inspection that of the panel
drawn for the inspection — who scored, the mean, the majority verdicts and any dissent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import VISIT_ITEMS
from bases import services as recognition
from core import decisions
from experts import services as experts
from experts.models import PanelPurpose
from experts.selectors import panel_conclusion
from supervision import services
from supervision.models import Ground, Item, Result
from tests import factories

from .conftest import confirmed, record, schedule

pytestmark = pytest.mark.django_db

ITEMS = [[Item.FACULTY.value, Item.FACULTY.label, "第二十条"], [Item.FEES.value, Item.FEES.label, "第二十条"]]


def scored_panel(province, case, scores_by_expert, *, items=ITEMS):
    """A panel for the inspection (or the application's site visit) whose experts declare and submit the given
    [(score, verdict), …]."""
    for name in scores_by_expert:
        factories.ExpertFactory(name=name, fields="工程技术", user=factories.ExpertUserFactory(full_name=name))
    visit = case._meta.model_name == "application"
    institution = case.institution if visit else case.base.institution
    panel = experts.create_panel(
        actor=province,
        purpose=PanelPurpose.SITE_VISIT if visit else PanelPurpose.INSPECTION,
        case=case,
        institution=institution,
        case_label=f"{institution.name}{'申报实地考察' if visit else '定期考核'}",
        fields="工程技术",
        size=len(scores_by_expert),
        items=items,
        same_city_excluded=False,
    )
    for seat in panel.assignments.select_related("expert__user"):
        experts.declare(actor=seat.expert.user, assignment_id=seat.pk)
        rows = scores_by_expert[seat.expert.name]
        experts.save_sheet(
            actor=seat.expert.user,
            assignment_id=seat.pk,
            scores={
                code: {"score": Decimal(score), "verdict": verdict, "comment": "核查属实"}
                for (code, _, _), (score, verdict) in zip(items, rows, strict=True)
            },
            submit=True,
        )
    return panel


def test_no_panel_or_no_form_says_nothing(province_user, base):
    inspection = confirmed(province_user, base, result=Result.FAIL)
    assert panel_conclusion(inspection) == ""


def test_the_rectification_order_states_the_panels_conclusion_with_its_dissent(province_user, base):
    inspection = schedule(province_user, base)  # the panel is drawn and scores before the result is recorded
    scored_panel(
        province_user,
        inspection,
        {"甲专家": [("2", "fails"), ("8", "meets")], "乙专家": [("7", "partly"), ("8", "meets")]},
    )
    record(province_user, inspection, result=Result.FAIL)
    services.inspection_transition(actor=province_user, inspection_id=inspection.pk, action="confirm")
    conclusion = panel_conclusion(inspection)
    assert conclusion.startswith("评审专家组2名专家（")
    assert "各项平均6.25分（满分10分）" in conclusion
    assert "师资队伍建设情况专家意见分歧较大（分差超过3分）" in conclusion
    order = services.order_rectification(
        actor=province_user,
        base_id=base.pk,
        ground=Ground.FAILED_INSPECTION,
        findings="师资队伍不稳定。",
        deadline=timezone.localdate() + timedelta(days=60),
        inspection_id=inspection.pk,
    )
    assert conclusion in order.decision.facts


def test_the_recognition_decision_states_the_site_visit_panels_conclusion(province_user, institution_user):
    app = factories.ApplicationFactory(
        complete=True, institution=institution_user.institution, state="site_visit", submitted_at=timezone.now()
    )
    factories.SiteVisitFactory(application=app, scheduled_on=app.batch.opens_on)
    visit_items = VISIT_ITEMS[:2]
    scored_panel(
        province_user,
        app,
        {"丙专家": [("9", "meets"), ("8", "meets")], "丁专家": [("8", "meets"), ("8", "meets")]},
        items=visit_items,
    )
    conclusion = panel_conclusion(app)
    assert conclusion.startswith("评审专家组2名专家（") and "各项平均8.25分（满分10分）" in conclusion

    base = recognition.approve(actor=province_user, application_id=app.pk)

    (decision,) = decisions.of(base)
    assert conclusion in decision.facts
