"""Who sees and manages which API tokens: a base's institution those of its own bases, the province its
read tokens; nobody else."""

from django.db.models import Q

from accounts.models import Role
from bases.workflow import permit_while_live
from core import access
from core.access import NOTHING, rule

from .models import ApiToken, Scope

INSTITUTION, PROVINCE = Role.INSTITUTION, Role.PROVINCE


@rule(ApiToken)
def _token(user) -> Q:
    if user.role == PROVINCE:
        return Q(scope=Scope.PROVINCE_READ)
    if user.role == INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    return NOTHING


def not_revoked(token, user):
    if token.is_revoked:
        return "该令牌已吊销。"
    return None


# A base issues tokens while it holds its recognition.
ISSUE_API_TOKEN = permit_while_live(
    "issue_api_token", roles={INSTITUTION}, message="基地资格已撤销或取消，不能再创建接口令牌。"
)
access.permit(ApiToken, "revoke", roles={INSTITUTION, PROVINCE}, guards=(not_revoked,))

# The token pages: the institution for its bases, the province for its read tokens.
access.capability("manage_api_tokens", roles={INSTITUTION, PROVINCE})
# The platform's pull of results and learning records runs on the province's read token.
access.capability("issue_province_read_token", roles={PROVINCE})
