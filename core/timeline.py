"""The timeline of a record: workflow events and field changes (django-simple-history), merged by time."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import TimelineEvent

# The state and the workflow's own timestamps show as timeline events already; repeating them as field
# changes would only add noise.
SKIPPED_FIELDS = (
    "state",
    "updated_at",
    "decided_at",
    "recorded_at",
    "confirmed_at",
    "published_at",
    "reported_at",
    "verified_at",
    "overdue_marked_at",
)


def record(
    subject,
    *,
    actor,
    action: str,
    label: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    article: str = "",
) -> TimelineEvent:
    """Write one event on the subject's timeline."""
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        label=label,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        article=article,
    )


def last_state_before(subject, *, actions) -> str:
    """The state the subject was in before the last of these transitions (for giving it back)."""
    event = (
        TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, action__in=actions
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return event.from_state if event else ""


def last_event(subject, *, actions):
    """The latest of the subject's events among `actions`, or None (one query): e.g. the return whose
    comment the edit page shows above the form."""
    return (
        TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, action__in=actions
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def days_of(subject, *, actions) -> list[tuple[str, date]]:
    """The subject's events among `actions`, oldest first, each with the local day it happened (one query);
    the step bars (core/steps.py) read the day each step was reached from them."""
    return [
        (action, timezone.localdate(created_at))
        for action, created_at in TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, action__in=actions
        )
        .order_by("created_at", "id")
        .values_list("action", "created_at")
    ]


@dataclass
class Entry:
    when: datetime
    who: str
    label: str
    comment: str = ""
    article: str = ""
    to_state: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    kind: str = "event"


def _who(user) -> str:
    if user is None:
        return "系统"
    org = user.organisation_name
    return f"{user.display_name}（{org}）" if org else user.display_name


def events_for(subject, *, state_labels: dict | None = None, skip_fields=SKIPPED_FIELDS) -> list[Entry]:
    """Every event and field change of the subject, oldest first."""
    labels = state_labels or {}
    entries = [
        Entry(
            when=e.created_at,
            who=_who(e.actor),
            label=e.label,
            comment=e.comment,
            article=e.article,
            to_state=labels.get(e.to_state, e.to_state),
        )
        for e in TimelineEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        ).select_related("actor__institution", "actor__region", "actor__department", "actor__inspector_unit")
    ]
    history = getattr(subject, "history", None)
    if history is not None:
        records = list(
            history.all()
            .select_related("history_user__institution", "history_user__region")
            .select_related("history_user__department", "history_user__inspector_unit")
            .order_by("history_date", "history_id")
        )
        for previous, current in zip(records, records[1:], strict=False):
            delta = current.diff_against(previous, excluded_fields=list(skip_fields))
            if not delta.changes:
                continue
            changes = []
            for change in delta.changes:
                model_field = subject._meta.get_field(change.field)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(change.old, model_field),
                        _display(change.new, model_field),
                    )
                )
            entries.append(
                Entry(
                    when=current.history_date,
                    who=_who(current.history_user),
                    label="修改了内容",
                    changes=changes,
                    kind="change",
                )
            )
    entries.sort(key=lambda e: e.when)
    return entries


def _display(value, model_field=None) -> str:
    """A value as a person reads it: the label of a choice, the name of a related record, local time."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if model_field is not None:
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if model_field.is_relation and model_field.related_model is not None:
            related = model_field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related is not None else "（已删除）"
    if isinstance(value, datetime):
        return (
            f"{timezone.localtime(value):%Y年%-m月%-d日 %H:%M}"
            if timezone.is_aware(value)
            else f"{value:%Y年%-m月%-d日 %H:%M}"
        )
    if isinstance(value, date):
        return f"{value:%Y年%-m月%-d日}"
    return str(value)
