"""The workflow engine: every state machine is a table of transitions, and `perform` is the only writer
of a state.

Each domain app declares its machines in its own `workflow.py` as `Workflow(Model, "state", States,
[Transition(...), ...])`. A transition names the states it leaves, where it goes, the roles that may
take it (or SYSTEM, for scheduled jobs), its article and label, and its guards: functions of the
object and the actor that return a refusal (a message or a RuleViolation) or None. The engine asks
the guards both when it lists what a user may do (so no button is offered that would be refused)
and, again under the row lock, when it performs the transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal

from . import access, timeline
from .errors import Conflict, RuleViolation

# The actor of scheduled jobs: no user, no scope.
SYSTEM = "system"

# Sent after every transition, inside its transaction, with obj, transition, actor and from_state; the
# conditional UPDATE sends no post_save, so this is how other layers hear of a state change.
transitioned = Signal()

Guard = Callable[[object, object], "str | RuleViolation | None"]


@dataclass(frozen=True)
class Transition:
    """One allowed move: the action, the states it leaves, where it goes, who may, why, and when not."""

    action: str
    sources: frozenset
    target: str
    roles: frozenset
    article: str
    label: str
    guards: tuple = field(default=())
    # True, or the message that asks for the missing comment
    comment_required: bool | str = False

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        roles = {self.roles} if isinstance(self.roles, str) else set(self.roles)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "guards", tuple(self.guards))

    def allows_role(self, actor) -> bool:
        if actor is None:
            return SYSTEM in self.roles
        return bool(actor.is_authenticated and actor.is_active and actor.role in self.roles)

    def refusal(self, obj, actor, *, state: str, state_label: str = "") -> RuleViolation | None:
        """Why `actor` may not take this transition on `obj` now, or None if it may."""
        if not self.allows_role(actor):
            return RuleViolation("您的角色无权执行此操作。")
        if state not in self.sources:
            where = f"当前状态为「{state_label}」，" if state_label else "当前状态下"
            return RuleViolation(f"{where}不能{self.label}。")
        for guard in self.guards:
            found = guard(obj, actor)
            if found:
                return found if isinstance(found, RuleViolation) else RuleViolation(found, article=self.article)
        return None


class Workflow:
    """The state machine of one state field of one model."""

    def __init__(self, model: type[Model], state_field: str, states, transitions: Iterable[Transition]):
        self.model = model
        self.state_field = state_field
        self.states = states
        self.transitions = list(transitions)
        self.by_action = {}
        for t in self.transitions:
            if t.action in self.by_action:
                raise ValueError(f"{model.__name__}: action {t.action} appears twice")
            unknown = (t.sources | {t.target}) - set(states.values)
            if unknown:
                raise ValueError(f"{model.__name__}.{t.action}: unknown states {sorted(unknown)}")
            self.by_action[t.action] = t
        _register(self)

    def __repr__(self):
        return f"<Workflow {self.model._meta.label}.{self.state_field}>"

    def label(self, state: str) -> str:
        return self.states(state).label

    def get(self, action: str) -> Transition:
        try:
            return self.by_action[action]
        except KeyError:
            raise RuleViolation("不支持的操作。") from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def refusal(self, obj, action: str, actor) -> RuleViolation | None:
        state = self.state_of(obj)
        return self.get(action).refusal(obj, actor, state=state, state_label=self.label(state))

    def roles_for(self, action: str) -> frozenset:
        """The roles of people who may take `action` (the system actor of jobs is not one)."""
        return self.get(action).roles - {SYSTEM}

    def available(self, obj, actor) -> list[Transition]:
        """The transitions `actor` may take on `obj` now: role, state and every guard agree."""
        state = self.state_of(obj)
        return [t for t in self.transitions if t.refusal(obj, actor, state=state) is None]


_workflows: dict[type[Model], list[Workflow]] = {}


def _register(workflow: Workflow) -> None:
    machines = _workflows.setdefault(workflow.model, [])
    if any(w.state_field == workflow.state_field for w in machines):
        raise ValueError(f"{workflow!r} is declared twice")
    machines.append(workflow)
    access.register_actions(workflow.model, {t.action: workflow for t in workflow.transitions})


def registered() -> list[Workflow]:
    return [w for machines in _workflows.values() for w in machines]


def perform(
    *,
    workflow: Workflow,
    pk,
    action: str,
    actor,
    queryset=None,
    comment: str = "",
    expected_state: str | None = None,
    check=None,
    article: str | None = None,
):
    """Take one transition on the row `pk`, inside the caller's transaction; returns (obj, transition).

    The row is fetched in the actor's scope (404 outside it) and locked; the state it is in, the role
    and every guard are checked under the lock; the state is written with a conditional UPDATE and a
    timeline event records who did it and why. `check(obj, t)` may raise a RuleViolation too (for
    refusals that carry their own details, such as the Art. 7 pre-check). Raises RuleViolation, or
    Conflict when someone else acted first.
    """
    t = workflow.get(action)
    if not t.allows_role(actor):
        raise RuleViolation("您的角色无权执行此操作。")
    comment = (comment or "").strip()
    if t.comment_required and not comment:
        asked = t.comment_required if isinstance(t.comment_required, str) else f"请填写{t.label}的理由或意见。"
        raise RuleViolation(asked, field="comment")
    field_name = workflow.state_field
    queryset = workflow.model._default_manager.all() if queryset is None else queryset
    with transaction.atomic():
        locked = queryset.select_for_update(of=("self",))
        # A scheduled job (no actor) acts on any row; a person only within their scope.
        obj = locked.get(pk=pk) if actor is None else access.get_visible_or_404(actor, locked, pk=pk)
        current = getattr(obj, field_name)
        if (expected_state and current != expected_state) or current not in t.sources:
            raise Conflict(
                f"该记录已由他人处理，当前状态为「{workflow.label(current)}」，您的操作未执行，请查看最新情况。"
            )
        refused = t.refusal(obj, actor, state=current)
        if refused is not None:
            raise refused
        if check is not None:
            check(obj, t)
        # A conditional UPDATE as well as the row lock: on databases without row locks it still lets
        # exactly one of two concurrent transitions through.
        updated = type(obj)._default_manager.filter(pk=obj.pk, **{field_name: current}).update(**{field_name: t.target})
        if updated != 1:
            raise Conflict("该记录已由他人处理，您的操作未执行，请刷新后查看最新情况。")
        setattr(obj, field_name, t.target)
        timeline.record(
            obj,
            actor=actor,
            action=t.action,
            label=t.label,
            from_state=current,
            to_state=t.target,
            comment=comment,
            article=article if article is not None else t.article,
        )
        transitioned.send(sender=type(obj), obj=obj, transition=t, actor=actor, from_state=current)
    return obj, t
