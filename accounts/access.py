"""Who sees which accounts: the province all of them, everyone else only their own; and what the province
may do with the accounts of its staff."""

from django.db.models import Q

from core import access
from core.access import EVERYTHING, rule

from .models import Role, User

# The accounts the province opens (Art. 8(3)); institutions register themselves and administrators are
# kept by the system's operator.
STAFF_ROLES = (Role.PROVINCE, Role.RECOMMENDER, Role.INSPECTOR)


@rule(User)
def _user(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    return Q(pk=user.pk)


access.capability("manage_staff", roles={Role.PROVINCE})  # staff accounts and the provincial departments
access.capability("manage_categories", roles={Role.PROVINCE})  # fields and institution kinds (Art. 3)


def _a_staff_account(account, user):
    if account.role not in STAFF_ROLES or account.is_superuser:
        return "只能启用或停用推荐单位、考核委托单位和省人社厅的账户。"
    return None


def _not_ones_own(account, user):
    return "不能停用自己的账户。" if account.pk == user.pk else None


access.permit(User, "toggle_active", roles={Role.PROVINCE}, guards=(_a_staff_account, _not_ones_own))
