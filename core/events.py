"""Domain events: a service says what happened; its app's table says what is written down and who is told.

Each domain app keeps the texts of its events in one table in its own `events.py`:

    EVENTS = events.table({
        "rectification_ordered": Event(
            record=Record("order", "下达整改通知", article="第二十三条第一款", comment="{order.findings}"),
            tell=[Tell(institution_of_base, "限期整改通知", "省人社厅责令贵基地限期整改……", link=order_link)],
        ),
    })

and a service calls `events.happened("rectification_ordered", actor=actor, base=base, order=order)`. The
texts are `str.format` templates over the facts the service passes (`{base.name}`,
`{deadline:%Y年%-m月%-d日}`), or functions of those facts for a text that needs a condition. An audience
is a function of the facts that returns the people to tell. A transition taken through the workflow
engine already has its timeline row; its event then only tells people.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import timeline
from .notifications import notify

Text = str | Callable[[dict], str]


def _render(text: Text, facts: dict) -> str:
    if callable(text):
        return text(facts)
    return text.format(**facts)


@dataclass(frozen=True)
class Record:
    """The timeline row an event writes: on which of the facts (`subject`), with what label and comment."""

    subject: str
    label: Text
    article: Text = ""
    comment: Text = ""
    action: str = ""  # the row's action name; the event's name by default
    to_state: Callable[[dict], str] | None = None


@dataclass(frozen=True)
class Tell:
    """One message of an event: to whom, its title, body and link, and when it is sent at all.

    With `dedupe` (a template) each person gets the message once, however often the event happens (for
    the daily digests of scheduled jobs).
    """

    audience: Callable[[dict], Iterable]
    title: Text
    body: Text = ""
    link: Callable[[dict], str] | None = None
    when: Callable[[dict], bool] | None = None
    dedupe: Text | None = None


@dataclass(frozen=True)
class Event:
    record: Record | None = None
    tell: tuple[Tell, ...] = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "tell", tuple(self.tell))


_events: dict[str, Event] = {}


def table(events: dict[str, Event]) -> dict[str, Event]:
    """Register an app's events by name; returns the table."""
    for name, event in events.items():
        if name in _events and _events[name] is not event:
            raise ValueError(f"the event {name} is declared twice")
        _events[name] = event
    return events


def happened(name: str, *, actor, **facts) -> None:
    """Write down and tell what happened, inside the caller's transaction. `actor` is None for a job."""
    try:
        event = _events[name]
    except KeyError:
        raise LookupError(f"no event {name}") from None
    facts["actor"] = actor
    if event.record is not None:
        r = event.record
        timeline.record(
            facts[r.subject],
            actor=actor,
            action=r.action or name,
            label=_render(r.label, facts),
            comment=_render(r.comment, facts),
            article=_render(r.article, facts),
            to_state=r.to_state(facts) if r.to_state else "",
        )
    for tell in event.tell:
        if tell.when is not None and not tell.when(facts):
            continue
        notify(
            tell.audience(facts),
            title=_render(tell.title, facts),
            body=_render(tell.body, facts),
            url=tell.link(facts) if tell.link else "",
            dedupe_key=_render(tell.dedupe, facts) if tell.dedupe else None,
        )


def declared() -> dict[str, Event]:
    return dict(_events)
