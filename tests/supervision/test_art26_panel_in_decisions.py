"""Art. 26 with Art. 23: a rectification order that rests on a failed inspection states the conclusion of the
expert panel drawn for that inspection — who scored, the mean, the majority verdicts and any dissent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from experts import services as experts
from experts.models import PanelPurpose
from experts.selectors import panel_conclusion
from supervision import services
from supervision.models import Ground, Item, Result
from tests import factories

from .conftest import confirmed, record, schedule

pytestmark = pytest.mark.django_db

ITEMS = [[Item.FACULTY.value, Item.FACULTY.label, "第二十条"], [Item.FEES.value, Item.FEES.label, "第二十条"]]


def scored_panel(province, inspection, scores_by_expert):
    """A panel for the inspection whose experts declare and submit the given [(score, verdict), …]."""
    for name in scores_by_expert:
        factories.ExpertFactory(name=name, fields="工程技术", user=factories.ExpertUserFactory(full_name=name))
    panel = experts.create_panel(
        actor=province,
        purpose=PanelPurpose.INSPECTION,
        case=inspection,
        institution=inspection.base.institution,
        case_label=f"{inspection.base.name}定期考核",
        fields="工程技术",
        size=len(scores_by_expert),
        items=ITEMS,
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
                for (code, _, _), (score, verdict) in zip(ITEMS, rows, strict=True)
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
