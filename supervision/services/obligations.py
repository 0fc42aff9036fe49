"""Reminding bases of the standing duties they fail (issue 18 (4)): by hand, per base and duty or per duty,
and by the monthly job; a base is reminded of a duty by the job at most once a calendar month."""

from datetime import date

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from bases.models import Base
from core.errors import RuleViolation
from core.notifications import notify_each

from ..models import DUTY_ARTICLES, Duty, ObligationReminder
from ..selectors import FAILING, DutyStatus, duty_statuses, obligations


def _month(today: date) -> date:
    return today.replace(day=1)


def _message(base: Base, status: DutyStatus) -> dict:
    return {
        "title": f"履职提醒：{status.label}（{status.article}）",
        "body": (
            f"{base.name}：{status.note}。依据《福建省专业技术人员继续教育基地管理办法》{status.article}，"
            "请尽快办理。已办理的请忽略本提醒。"
        ),
        "url": reverse("bases:detail", args=[base.pk]),
    }


def _send(pairs: list[tuple[Base, DutyStatus]], *, actor: User | None, today: date) -> int:
    """Write a reminder row per (base, duty) and tell each base's institution (inbox and e-mail), in a fixed
    number of queries whatever the number of pairs."""
    if not pairs:
        return 0
    month = _month(today)
    staff = {
        base.pk: base.institution.active_staff
        for base in Base.objects.filter(pk__in={b.pk for b, _ in pairs})
        .select_related("institution")
        .only("id", "institution_id")
        .prefetch_related(
            Prefetch(
                "institution__users",
                queryset=User.objects.filter(is_active=True, role=Role.INSTITUTION),
                to_attr="active_staff",
            )
        )
    }
    rows, messages = [], []
    for base, status in pairs:
        message = _message(base, status)
        rows.append(ObligationReminder(base=base, duty=status.duty, month=month, note=status.note[:300], sent_by=actor))
        key = f"obligation:{base.pk}:{status.duty}:{month:%Y-%m}" if actor is None else None
        messages.append({**message, "recipients": staff.get(base.pk, []), "dedupe_key": key})
    created = ObligationReminder.objects.bulk_create(rows, ignore_conflicts=actor is None)
    notify_each(messages)
    return len(created)


def _not_reminded_this_month(pairs, today: date):
    month = _month(today)
    done = set(
        ObligationReminder.objects.filter(base__in={b.pk for b, _ in pairs}, month=month).values_list("base_id", "duty")
    )
    return [(b, s) for b, s in pairs if (b.pk, s.duty) not in done]


@transaction.atomic
def remind_base(*, actor: User, base_id, duty: str, today: date | None = None) -> ObligationReminder:
    """Remind one live base of one duty it fails or that falls due (Art. 16, 19, 20, 29, 31)."""
    today = today or timezone.localdate()
    if duty not in Duty.values:
        raise RuleViolation("没有这项义务。", field="duty")
    base = obligations(today, bases=Base.objects.filter(pk=base_id)).first()
    if base is None:
        raise RuleViolation("该基地不在名册中，无需提醒。")
    status = next(s for s in duty_statuses(base, today) if s.duty == duty)
    if not status.remindable:
        raise RuleViolation(
            f"{base.name}已履行「{status.label}」义务，无需提醒。"
            if status.level == 0
            else "考核结果由省人社厅公布，无需提醒基地。",
            article=DUTY_ARTICLES[duty],
        )
    _send([(base, status)], actor=actor, today=today)
    return ObligationReminder.objects.filter(base=base, duty=duty, sent_by=actor).latest("sent_at")


def _failing(today: date, *, duty: str = "", region=None) -> list[tuple[Base, DutyStatus]]:
    duties = [duty] if duty else Duty.values
    pairs = []
    for base in obligations(today, region=region).order_by("year", "sequence"):
        for status in duty_statuses(base, today):
            if status.duty in duties and status.level == FAILING and status.remindable:
                pairs.append((base, status))
    return pairs


@transaction.atomic
def remind_duty(*, actor: User, duty: str, today: date | None = None, region=None) -> tuple[int, int]:
    """Remind every live base failing `duty` (in a city) that was not yet reminded of it this month; returns
    (reminded, skipped because already reminded this month)."""
    today = today or timezone.localdate()
    if duty not in Duty.values or duty == Duty.RESULTS_PUBLISHED:
        raise RuleViolation("请选择要提醒的义务。", field="duty")
    failing = _failing(today, duty=duty, region=region)
    due = _not_reminded_this_month(failing, today)
    return _send(due, actor=actor, today=today), len(failing) - len(due)


@transaction.atomic
def send_monthly_obligation_reminders(*, today: date) -> int:
    """Remind each live base of each duty it fails, once a calendar month (a later run in the same month, or a
    reminder sent by hand this month, leaves the pair alone). Returns the reminders written."""
    return _send(_not_reminded_this_month(_failing(today), today), actor=None, today=today)
