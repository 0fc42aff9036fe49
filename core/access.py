"""Who may see which rows: the registry the domain apps fill, and the functions every read goes through.

Each model a user can reach through a URL has one scope rule, a Q object of the rows the user may see,
registered against the model class by its app's `access.py`. Views fetch through `get_visible_or_404`
(out of scope answers 404, never 403, so ids leak nothing); lists go through `visible`; the workflow
engine locks rows through the same rule. The kernel holds no rule of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
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
        obj = visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("未找到该记录。") from None
    obj._viewer = user  # fetched in this user's scope: `can` and the template filter need not ask again
    return obj


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


# -- what a user may do: the one question, `can(user, action, obj)` ------------------------------------
#
# The actions of a model are registered by its state machines (core.workflow registers every
# transition) and by `permit` for actions that change no state (editing a draft, downloading a
# plaque). An action's decider answers `refusal(obj, action, user)`: None, or the RuleViolation that
# says why not. `can` adds the row scope, so services, views and templates ask one question.

_actions: dict[type[Model], dict[str, object]] = {}


def register_actions(model: type[Model], deciders: dict[str, object]) -> None:
    known = _actions.setdefault(model, {})
    for action, decider in deciders.items():
        if action in known and known[action] is not decider:
            raise ValueError(f"{model._meta.label}: the action {action} is registered twice")
        known[action] = decider


@dataclass(frozen=True)
class Permission:
    """An action that changes no state: who may take it, in which states, and under which guards.

    `role_message` and `state_message` say why not; the state message may name the current state
    as {state}.
    """

    roles: frozenset
    states: frozenset | None = None
    state_field: str = "state"
    guards: tuple = ()
    role_message: str = "您的角色无权执行此操作。"
    state_message: str = "当前状态为「{state}」，不能办理此事项。"

    def refusal(self, obj, action: str, user) -> RuleViolation | None:
        if not has_role(user, *self.roles):
            return RuleViolation(self.role_message)
        if self.states is not None and getattr(obj, self.state_field) not in self.states:
            shown = getattr(obj, f"get_{self.state_field}_display", lambda: getattr(obj, self.state_field))()
            return RuleViolation(self.state_message.format(state=shown))
        for guard in self.guards:
            found = guard(obj, user)
            if found:
                return found if isinstance(found, RuleViolation) else RuleViolation(found)
        return None


def permit(model: type[Model], action: str, *, roles, states=None, state_field="state", guards=(), **messages):
    """Register an action on `model` that changes no state (see `Permission`); returns it."""
    permission = Permission(
        roles=frozenset(roles),
        states=frozenset(states) if states is not None else None,
        state_field=state_field,
        guards=tuple(guards),
        **messages,
    )
    register_actions(model, {action: permission})
    return permission


def in_scope(user, obj) -> bool:
    """Is `obj` among the rows `user` may see? Remembered on the object, so a page asks the database once."""
    if getattr(obj, "_viewer", None) is user:
        return True
    if user is None or not user.is_authenticated:
        return False
    seen = obj.__dict__.setdefault("_scope_checked", {})
    if user.pk not in seen:
        seen[user.pk] = visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    return seen[user.pk]


def refusal(user, action: str, obj) -> RuleViolation | None:
    """Why `user` may not take `action` on `obj` now, or None if they may."""
    try:
        decider = _actions[type(obj)][action]
    except KeyError:
        raise LookupError(f"{type(obj)._meta.label} has no action {action}") from None
    if not in_scope(user, obj):
        return RuleViolation("未找到该记录。")
    return decider.refusal(obj, action, user)


def can(user, action: str, obj) -> bool:
    return refusal(user, action, obj) is None


def require(user, action: str, obj) -> None:
    """For services: raise the refusal, if there is one."""
    if (found := refusal(user, action, obj)) is not None:
        raise found
