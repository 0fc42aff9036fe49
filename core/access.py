"""Who may see which rows: the registry the domain apps fill, and the functions every read goes through.

Each model a user can reach through a URL has one scope rule, a Q object of the rows the user may see,
registered against the model class by its app's `access.py`. Views fetch through `get_visible_or_404`
(out of scope answers 404, never 403, so ids leak nothing); lists go through `visible`; the workflow
engine locks rows through the same rule. The kernel holds no rule of its own.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .errors import RuleViolation

NOTHING = Q(pk__in=[])
EVERYTHING = Q()

ScopeRule = Callable[..., Q]
_rules: dict[type[Model], ScopeRule] = {}


def rule(*models: type[Model]):
    """Register `fn(user) -> Q` as the scope rule of each of `models`."""

    def register(fn: ScopeRule) -> ScopeRule:
        for model in models:
            if model in _rules and _rules[model] is not fn:
                raise ValueError(f"{model._meta.label} already has a scope rule")
            _rules[model] = fn
        return fn

    return register


def has_rule(model: type[Model]) -> bool:
    return model in _rules


def scope_q(user, model: type[Model]) -> Q:
    """The rows of `model` that `user` may see, as a Q object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    try:
        fn = _rules[model]
    except KeyError:
        raise LookupError(f"no access rule for {model._meta.label}") from None
    return fn(user)


def visible(user, queryset: QuerySet) -> QuerySet:
    return queryset.filter(scope_q(user, queryset.model))


def get_visible_or_404(user, queryset, **lookup):
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("未找到该记录。") from None


def has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def require_role(user, *roles) -> None:
    """For services: refuse, with the domain error the pages show, an actor whose role may not do this."""
    if not has_role(user, *roles):
        raise RuleViolation("您的角色无权执行此操作。")


def role_required(*roles):
    """Only these roles reach the view; anyone else signed in gets 404 (nothing to learn from a 403)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404("页面不存在。")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorate
