"""Who sees which bases and the records a base owns: the province, the base's institution, and the unit
that recommended it."""

from django.db.models import Q

from accounts.models import Role
from applications.access import recommender_routing
from core import access
from core.access import EVERYTHING, NOTHING, rule

from .models import AnnualFiling, Base, ChangeFiling, Course, CoursewareReview, Suspension, Teacher


@rule(Base)
def _base(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        # the base's stored copy of its application's routing (Base.recommender_region/_department), indexed
        return recommender_routing(user)
    return NOTHING


def owned_by_base(user) -> Q:
    """A record of a base's own (reached through its `base` field), seen by whoever sees the base."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "base__")
    return NOTHING


# The faculty pool and the courseware log (Art. 16, 18) are seen as the base is: the province reads every
# base's, the recommending unit those of the bases it recommended, the base's institution keeps its own.
rule(AnnualFiling, Suspension, Teacher, Course)(owned_by_base)


@rule(CoursewareReview)
def _courseware_review(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(course__base__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "course__base__")
    return NOTHING


@rule(ChangeFiling)
def _change_filing(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    return NOTHING


# -- who may open what ----------------------------------------------------------------------------------

INSTITUTION, RECOMMENDER, PROVINCE = Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE

access.permit(Base, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})
access.permit(AnnualFiling, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})
access.permit(ChangeFiling, "view", roles={INSTITUTION, PROVINCE})
access.permit(Teacher, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})
access.permit(CoursewareReview, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})

access.capability("list_own_bases", roles={INSTITUTION})
access.capability("list_recommended_bases", roles={RECOMMENDER})
access.capability("keep_register", roles={PROVINCE})
access.capability("recognise_bases", roles={PROVINCE})
access.capability("see_change_filings", roles={INSTITUTION, PROVINCE})
access.capability("file_annual_reports", roles={INSTITUTION})
access.capability("review_annual_filings", roles={PROVINCE})
