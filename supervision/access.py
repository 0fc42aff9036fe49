"""Who sees which supervision records: inspector units only what is assigned to them, institutions their
own results once confirmed, recommenders the rectifications and revocations of the bases they recommended."""

from django.db.models import Q

from accounts.models import Role
from applications.access import recommender_routing
from bases.access import owned_by_base
from core import access
from core.access import EVERYTHING, NOTHING, rule

from .models import (
    CancellationRequest,
    Inspection,
    InspectionState,
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
    return NOTHING


@rule(SpotCheckDraw)
def _draw(user) -> Q:
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
        return recommender_routing(user, "rectification__base__application__") | recommender_routing(
            user, "revocation__base__application__"
        )
    return NOTHING


# -- who may open what ----------------------------------------------------------------------------------

PROVINCE, INSPECTOR, INSTITUTION, RECOMMENDER = Role.PROVINCE, Role.INSPECTOR, Role.INSTITUTION, Role.RECOMMENDER

access.permit(Inspection, "view", roles={PROVINCE, INSPECTOR, INSTITUTION})
access.permit(SupervisionDocument, "view", roles={PROVINCE, INSPECTOR, INSTITUTION, RECOMMENDER})
access.permit(RectificationOrder, "view", roles={PROVINCE, INSTITUTION, RECOMMENDER})
access.permit(CancellationRequest, "view", roles={PROVINCE, INSTITUTION, RECOMMENDER})

access.capability("see_inspections", roles={PROVINCE, INSPECTOR})
# scheduling inspections, drawing spot checks, watching the 3-year clock (Art. 20, 21)
access.capability("plan_inspections", roles={PROVINCE})
access.capability("see_rectifications", roles={PROVINCE, INSTITUTION, RECOMMENDER})
access.capability("see_cancellations", roles={PROVINCE, INSTITUTION, RECOMMENDER})
