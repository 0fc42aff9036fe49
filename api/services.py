"""Every write on API tokens: creating one (its secret shown once), revoking one, and checking a presented
secret. Only the SHA-256 of a secret is stored."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bases.models import Base
from core import access
from core.errors import RuleViolation

from .models import ApiToken, Scope

SECRET_PREFIX = "jxjy_"
PREFIX_LENGTH = 8
# A token's last use is written at most once a minute, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _prefix(secret: str) -> str:
    return secret[len(SECRET_PREFIX) : len(SECRET_PREFIX) + PREFIX_LENGTH]


def _new_secret() -> str:
    while True:
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        if not ApiToken.objects.filter(prefix=_prefix(secret)).exists():
            return secret


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("请填写令牌名称。", field="name")
    if len(name) > 50:
        raise RuleViolation("令牌名称不能超过50个字。", field="name")
    return name


@transaction.atomic
def create_token(*, actor: User, name: str, base_id: int | None = None, province: bool = False):
    """Issue a token for a live base (its institution) or the province's read token; returns (token, secret).

    The secret is returned here only and never stored."""
    access.require_capability(actor, "manage_api_tokens")
    name = _clean_name(name)
    if province:
        if not access.may(actor, "issue_province_read_token"):
            raise RuleViolation("只有省级主管部门可以创建省级只读令牌。")
        base, scope = None, Scope.PROVINCE_READ
    else:
        if base_id is None:
            raise RuleViolation("请选择基地。", field="base")
        base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
        access.require(actor, "issue_api_token", base)
        scope = Scope.BASE
    secret = _new_secret()
    token = ApiToken.objects.create(
        base=base, scope=scope, name=name, prefix=_prefix(secret), key_hash=_digest(secret), created_by=actor
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: it no longer authenticates (404 outside the actor's tokens)."""
    token = access.get_visible_or_404(actor, ApiToken.objects.select_for_update().select_related("base"), pk=token_id)
    access.require(actor, "revoke", token)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token whose secret this is, or None; its last use is recorded at most once a minute."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        return None
    token = ApiToken.objects.select_related("base", "created_by").filter(prefix=_prefix(secret)).first()
    if token is None or not hmac.compare_digest(token.key_hash, _digest(secret)) or token.is_revoked:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
