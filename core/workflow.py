"""The shape every workflow shares: transitions as data, a domain error, and one locked state change.

Each domain keeps its own table (applications/workflow.py, ...); `perform` is the one place that
looks an action up, checks role and object scope through access.py, locks the row, changes the state
and writes the timeline event.
"""

from dataclasses import dataclass

from django.db import transaction

from . import access, timeline
from .errors import Conflict, RuleViolation


@dataclass(frozen=True)
class T:
    """One allowed transition: the action, the states it leaves, where it goes, who may, and why."""

    action: str
    sources: frozenset
    target: str
    role: str
    article: str
    label: str
    comment_required: bool = False
    style: str = "primary"


class Workflow:
    def __init__(self, state_choices, transitions: list[T]):
        self.states = state_choices
        self.transitions = transitions
        self.by_action = {t.action: t for t in transitions}

    def label(self, state: str) -> str:
        return self.states(state).label

    def get(self, action: str) -> T:
        try:
            return self.by_action[action]
        except KeyError:
            raise RuleViolation("不支持的操作。") from None

    def available(self, state: str, role: str) -> list[T]:
        return [t for t in self.transitions if state in t.sources and t.role == role]


def perform(
    *,
    workflow: Workflow,
    queryset,
    pk,
    action: str,
    actor,
    comment: str = "",
    expected_state: str | None = None,
    check=None,
    article: str | None = None,
    state_field: str = "state",
):
    """Run one transition on the row `pk` of `queryset`, inside the caller's transaction.

    Returns (obj, transition). Raises RuleViolation (or Conflict when someone else acted first).
    `check(obj, t)` may raise RuleViolation before anything changes.
    """
    t = workflow.get(action)
    if actor.role != t.role:
        raise RuleViolation("您的角色无权执行此操作。")
    comment = (comment or "").strip()
    if t.comment_required and not comment:
        raise RuleViolation(f"请填写{t.label}的理由或意见。", field="comment")
    with transaction.atomic():
        obj = access.get_visible_or_404(actor, queryset.select_for_update(of=("self",)), pk=pk)
        current = getattr(obj, state_field)
        if (expected_state and current != expected_state) or current not in t.sources:
            raise Conflict(
                f"该记录已由他人处理，当前状态为「{workflow.label(current)}」，您的操作未执行，请查看最新情况。"
            )
        if check is not None:
            check(obj, t)
        # A conditional UPDATE as well as the row lock: on databases without row locks it still lets
        # exactly one of two concurrent transitions through.
        updated = type(obj).objects.filter(pk=obj.pk, **{state_field: current}).update(**{state_field: t.target})
        if updated != 1:
            raise Conflict("该记录已由他人处理，您的操作未执行，请刷新后查看最新情况。")
        setattr(obj, state_field, t.target)
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
    return obj, t
