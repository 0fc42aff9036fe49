"""Who sees the expert pool and the panels: the province all of them; an expert only its own seats."""

from django.db.models import Q

from accounts.models import Role
from core import access
from core.access import EVERYTHING, NOTHING, rule

from . import workflow  # noqa: F401 - the seat's actions register with its table
from .models import Assignment, Draw, Expert, Panel, Tie


@rule(Expert, Tie, Panel, Draw)
def _pool(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule(Assignment)
def _assignment(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.EXPERT:
        return Q(expert__user_id=user.pk)
    return NOTHING


access.permit(Assignment, "view", roles={Role.PROVINCE, Role.EXPERT})
# keeping the pool and drawing panels (Art. 26)
access.capability("manage_experts", roles={Role.PROVINCE})
