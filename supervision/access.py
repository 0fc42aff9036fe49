"""Who sees which supervision records: inspector units only what is assigned to them, institutions their
own results once confirmed, recommenders the rectifications and revocations of the bases they recommended."""

from django.db.models import Q

from accounts.models import Role
from applications.access import recommender_routing
from bases.access import owned_by_base
from core import access
from core.access import EVERYTHING, NOTHING, rule
from experts import selectors as expert_selectors
from experts.access import judged_by

from .models import (
    CancellationRequest,
    Inspection,
    InspectionPlan,
    InspectionState,
    PlannedInspection,
    PlanState,
    RectificationOrder,
    Revocation,
    SpotCheckDraw,
    SupervisionDocument,
)

# An institution sees its own inspections once the province has confirmed the result.
SEEN_BY_INSTITUTION = [InspectionState.CONFIRMED, InspectionState.PUBLISHED]

rule(RectificationOrder, CancellationRequest, Revocation)(owned_by_base)


@rule(Inspection)
def _inspection(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSPECTOR:
        return Q(inspector_unit_id=user.inspector_unit_id)
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id, state__in=SEEN_BY_INSTITUTION)
    if user.role == Role.EXPERT:  # read-only, once declared free of conflict on its panel (Art. 26)
        return judged_by(user, Inspection)
    return NOTHING


@rule(SpotCheckDraw)
def _draw(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule(InspectionPlan, PlannedInspection)
def _plan(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule(SupervisionDocument)
def _supervision_document(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSPECTOR:
        return Q(inspection__inspector_unit_id=user.inspector_unit_id)
    if user.role == Role.INSTITUTION:
        mine = user.institution_id
        return (
            Q(rectification__base__institution_id=mine)
            | Q(revocation__base__institution_id=mine)
            | Q(inspection__base__institution_id=mine, inspection__state__in=SEEN_BY_INSTITUTION)
        )
    if user.role == Role.RECOMMENDER:  # what it sees on the rectifications and revocations of its bases
        return recommender_routing(user, "rectification__base__") | recommender_routing(user, "revocation__base__")
    if user.role == Role.EXPERT:
        return judged_by(user, Inspection, "inspection")
    return NOTHING


# -- who may open what ----------------------------------------------------------------------------------

PROVINCE, INSPECTOR, INSTITUTION, RECOMMENDER = Role.PROVINCE, Role.INSPECTOR, Role.INSTITUTION, Role.RECOMMENDER
EXPERT = Role.EXPERT

access.permit(Inspection, "view", roles={PROVINCE, INSPECTOR, INSTITUTION, EXPERT})
access.permit(SupervisionDocument, "view", roles={PROVINCE, INSPECTOR, INSTITUTION, RECOMMENDER, EXPERT})


def _no_panel_yet(inspection, user):
    return "该考核已组建评审专家组。" if expert_selectors.has_panel(inspection) else None


# The province draws the inspection's experts before it takes place (Art. 20, 26).
access.permit(
    Inspection,
    "form_panel",
    roles={PROVINCE},
    states={InspectionState.SCHEDULED},
    guards=[_no_panel_yet],
    role_message="只有省人社厅可以抽取评审专家。",
    state_message="考核结果已记录，不能再抽取评审专家。",
)
access.permit(RectificationOrder, "view", roles={PROVINCE, INSTITUTION, RECOMMENDER})
access.permit(CancellationRequest, "view", roles={PROVINCE, INSTITUTION, RECOMMENDER})

access.capability("see_inspections", roles={PROVINCE, INSPECTOR})
# the base's faculty pool and courseware log behind items 1, 5 and 6, for those who inspect and the experts
access.capability("read_inspection_records", roles={PROVINCE, INSPECTOR, EXPERT})
# scheduling inspections, drawing spot checks, watching the 3-year clock (Art. 20, 21)
access.capability("plan_inspections", roles={PROVINCE})
access.capability("see_rectifications", roles={PROVINCE, INSTITUTION, RECOMMENDER})
access.capability("see_cancellations", roles={PROVINCE, INSTITUTION, RECOMMENDER})
# the obligations monitor: every base failing a standing duty, and reminding it (issue 18 (4))
access.capability("watch_obligations", roles={PROVINCE})
# a base's compliance card, on its own page: the province and the base's own institution (the page's scope)
access.capability("see_compliance", roles={PROVINCE, INSTITUTION})

# The three-year plan (Art. 20): the province reads it, and edits it while it is a draft.
access.permit(InspectionPlan, "view", roles={PROVINCE})
access.permit(
    InspectionPlan,
    "edit",
    roles={PROVINCE},
    states={PlanState.DRAFT},
    role_message="只有省人社厅可以编制考核计划。",
    state_message="考核计划当前状态为「{state}」，不能再调整。",
)
