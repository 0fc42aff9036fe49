"""The step bar of a case (issue 15 (3)): where a case stands among its steps, when each was reached, and
what the next one waits for (its time limit, where the measures or the portal set one).

A domain selector builds the list; `partials/_steps.html` draws it as an ordered list, readable without
colour (each step says 已完成, 当前 or 未开始 in words)."""

from dataclasses import dataclass
from datetime import date, datetime

DONE, CURRENT, TODO, ENDED = "done", "current", "todo", "ended"
WORDS = {DONE: "已完成", CURRENT: "当前", TODO: "未开始", ENDED: "已终止"}


@dataclass(frozen=True)
class Step:
    label: str
    status: str = TODO
    on: date | datetime | None = None  # the day the step was reached
    note: str = ""  # e.g. the time limit of the step under way

    @property
    def words(self) -> str:
        return WORDS[self.status]

    @property
    def is_current(self) -> bool:
        return self.status == CURRENT


def walk(labels_and_days: list[tuple[str, object]], *, ended: tuple[str, object] | None = None, notes=None):
    """Steps from (label, day reached or None) in order: those reached are done, the first not reached is
    current, the rest to do. `ended` (label, day) closes the case early: it replaces the first step not
    reached and nothing follows it. `notes` maps a label to the note shown on it."""
    notes = notes or {}
    steps, current_set = [], False
    for label, day in labels_and_days:
        if day is not None and not current_set:
            steps.append(Step(label, DONE, day, notes.get(label, "")))
        elif not current_set:
            current_set = True
            if ended is not None:
                steps.append(Step(ended[0], ENDED, ended[1], notes.get(ended[0], "")))
                break
            steps.append(Step(label, CURRENT, None, notes.get(label, "")))
        else:
            steps.append(Step(label, TODO, None, notes.get(label, "")))
    return steps
