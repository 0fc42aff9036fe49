"""Who sees the allocation: the province all of it; a base's people their own base's shares, and the
rounds and programmes once they are open to applications or published."""

from django.db.models import Q

from accounts.models import Role
from core import access
from core.access import EVERYTHING, NOTHING, rule

from .models import AllocationRound, Programme, Share

access.capability("allocate_tasks", roles={Role.PROVINCE})  # programmes, weights, proposal, decision (Art. 13, 21)
access.capability("apply_for_tasks", roles={Role.INSTITUTION})  # a live base applies and reports delivery


@rule(Share)
def _share(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION and user.institution_id:
        return Q(base__institution_id=user.institution_id)
    return NOTHING


@rule(AllocationRound)
def _round(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return EVERYTHING  # a year's programmes are public business; what a base may do is checked per share
    return NOTHING


@rule(Programme)
def _programme(user) -> Q:
    if user.role in (Role.PROVINCE, Role.INSTITUTION):
        return EVERYTHING
    return NOTHING
