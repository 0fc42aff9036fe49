"""Who sees which bases and the records a base owns: the province, the base's institution, and the unit
that recommended it."""

from django.db.models import Q

from accounts.models import Role
from applications.access import recommender_routing
from core.access import EVERYTHING, NOTHING, rule

from .models import AnnualFiling, Base, ChangeFiling


@rule(Base)
def _base(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "application__")
    return NOTHING


def owned_by_base(user) -> Q:
    """A record of a base's own (reached through its `base` field), seen by whoever sees the base."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "base__application__")
    return NOTHING


rule(AnnualFiling)(owned_by_base)


@rule(ChangeFiling)
def _change_filing(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    return NOTHING
