"""Who sees which accounts: the province all of them, everyone else only their own."""

from django.db.models import Q

from core.access import EVERYTHING, rule

from .models import Role, User


@rule(User)
def _user(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    return Q(pk=user.pk)
