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


# -- what a user may do: the one question, `can(user, action, obj)` ------------------------------------
#
# The actions of a model are registered by its state machines (core.workflow registers every
# transition) and by `permit` for actions that change no state (editing a draft, downloading a
# plaque). An action's decider answers `refusal(obj, action, user)`: None, or the RuleViolation that
# says why not; and `roles_for(action)`: the roles that may ever take it. `can` adds the row scope,
# so services, views and templates ask one question.

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

    def roles_for(self, action: str) -> frozenset:
        return self.roles

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


def bind(user, objects):
    """Mark rows read through `visible(user, ...)` as seen in `user`'s scope, so `can` and the template
    filter ask no more queries for them; returns them."""
    for obj in objects:
        obj._viewer = user
    return objects


def may_ever(user, model: type[Model], action: str) -> bool:
    """Does the user's role allow `action` on some `model` record, in some state? (Views use it to answer
    404 to a POST from a role that never takes the action.)"""
    return has_role(user, *roles_for(model, action))


def roles_for(model: type[Model], action: str) -> frozenset:
    """The roles that may ever take `action` on a `model` (in some state, under some guard)."""
    try:
        return frozenset(_actions[model][action].roles_for(action))
    except KeyError:
        raise LookupError(f"{model._meta.label} has no action {action}") from None


# -- what a user may do that is not about one record: capabilities -------------------------------------
#
# Opening the inspection clock, drawing spot checks, keeping the holiday calendar: each is a named
# capability with the roles that hold it, registered by its app's access.py. Services `require` it,
# views are `allowed` by it, and templates ask `user|may:"name"`.

_capabilities: dict[str, frozenset] = {}


def capability(name: str, *, roles) -> str:
    """Register the capability `name` held by `roles`; returns the name."""
    roles = frozenset(roles)
    if _capabilities.get(name, roles) != roles:
        raise ValueError(f"the capability {name} is registered twice")
    _capabilities[name] = roles
    return name


def may(user, name: str) -> bool:
    try:
        roles = _capabilities[name]
    except KeyError:
        raise LookupError(f"no capability {name}") from None
    return has_role(user, *roles)


def require_capability(user, name: str) -> None:
    """For services: refuse an actor who does not hold the capability."""
    if not may(user, name):
        raise RuleViolation("您的角色无权执行此操作。")


def allowed(
    what,
    action: str | None = None,
    *,
    action_from: str | None = None,
    load: str | None = None,
    model=None,
    queryset=None,
):
    """The view decorator: `@allowed("draw_spot_checks")` for a capability, `@allowed(Base, "revoke")` for
    an action on a record, `@allowed(Inspection, action_from="action")` when the URL names the action.
    Anyone signed in who may never do it gets 404 (a 403 would confirm the page exists), and so does an
    action the model does not have.

    With `load="base_pk"` the record is fetched in the user's scope from that URL argument (from
    `queryset`, or the rows of `model`, by default the action's model; 404 outside the scope) and handed
    to the view by the model's name (`base=`). The service then asks `require`, which adds the record's
    state and guards.
    """
    if load is not None and model is None and queryset is None and action is None and action_from is None:
        raise TypeError("allowed(capability, load=...) needs the model or queryset to load from")

    def roles(kwargs) -> frozenset:
        if action_from is not None:
            try:
                return roles_for(what, kwargs[action_from])
            except LookupError:
                return frozenset()
        return _capabilities[what] if action is None else roles_for(what, action)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles(kwargs)):
                raise Http404("页面不存在。")
            if load is not None:
                rows = queryset() if callable(queryset) else queryset
                if rows is None:
                    rows = model or what
                obj = get_visible_or_404(request.user, rows, pk=kwargs.pop(load))
                kwargs[obj._meta.model_name] = obj
            return view(request, *args, **kwargs)

        wrapped.allowed = (what, action or action_from)
        return wrapped

    return decorate
