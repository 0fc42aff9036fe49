"""The public notice before recognition (认定前公示): its working-day period, objections, and the rule
that approval waits for the period's end with every objection resolved.

Working days follow the holiday calendar: Monday to Friday, less public holidays, plus the make-up working
days (调休上班). The calendar is imported from the State Council's yearly notice (the `chinesecalendar`
package, by a data migration and `manage.py import_holidays YEAR`) and the province's own entries win over
it. A period that reaches a year with no calendar at all is refused rather than counted as if it had no
holidays.
"""

import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import access, events, uploads
from core.errors import RuleViolation

from .models import Application, Batch, CalendarDay, DayKind, DaySource, Objection, PublicNotice, State

DEFAULT_WORKING_DAYS = 5


def calendar_exceptions(start: date, end: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def is_working_day(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def working_days(start: date, end: date) -> list[date]:
    """The working days from `start` to `end`, both included, in order (one query for the calendar)."""
    if end < start:
        return []
    exceptions = calendar_exceptions(start, end)
    return [
        d for d in (start + timedelta(days=n) for n in range((end - start).days + 1)) if is_working_day(d, exceptions)
    ]


def first_working_day(start: date) -> date:
    exceptions = calendar_exceptions(start, start + timedelta(days=60))
    day = start
    while not is_working_day(day, exceptions):
        day += timedelta(days=1)
    return day


def period_end(start: date, working_days: int) -> date:
    """The last day of a notice of `working_days` working days beginning on `start` (counted if working)."""
    if working_days < 1:
        raise ValueError("working_days must be positive")
    exceptions = calendar_exceptions(start, start + timedelta(days=working_days * 3 + 60))
    day, counted = start, 0
    while True:
        if is_working_day(day, exceptions):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def years_without_calendar(start: date, end: date) -> list[int]:
    """The years from `start` to `end` for which no holiday or make-up day is recorded (one query).

    Every year has public holidays on weekdays, so a year with no entry at all has not been entered yet."""
    years = range(start.year, end.year + 1)
    known = set(CalendarDay.objects.filter(date__year__in=years).values_list("date__year", flat=True).distinct())
    return [year for year in years if year not in known]


def check_calendar_covers(start: date, end: date, *, field: str = "starts_on") -> None:
    """Refuse a period counted in working days that reaches a year with no holiday calendar."""
    missing = years_without_calendar(start, end)
    if missing:
        years = "、".join(f"{year}年" for year in missing)
        raise RuleViolation(
            f"该期限延伸至{years}，而尚无{years}的节假日安排，无法准确计算工作日。请先在“节假日安排”中登记{years}的"
            f"法定节假日和调休上班日（国务院办公厅公布后，也可由管理员执行 import_holidays 导入）。",
            field=field,
        )


def official_calendar(year: int) -> list[tuple[date, str, str]]:
    """The State Council's holidays on weekdays and make-up working days of `year`, as (date, kind, name)."""
    import chinese_calendar

    try:
        chinese_calendar.is_holiday(date(year, 6, 30))
    except NotImplementedError:
        raise RuleViolation(
            f"已安装的 chinesecalendar 尚无{year}年的节假日安排，请升级该软件包或在“节假日安排”中手工登记。",
            field="year",
        ) from None
    names = _holiday_names()
    days = [
        (day, DayKind.HOLIDAY, names.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year and day.weekday() < 5
    ]
    days += [
        (day, DayKind.WORKDAY, f"{names.get(name, name)}调休上班")
        for day, name in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    ]
    return sorted(days)


HOLIDAY_NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "national_day": "国庆节",
    "mid_autumn_festival": "中秋节",
    "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _holiday_names() -> dict[str, str]:
    import chinese_calendar

    return {holiday.value: HOLIDAY_NAMES.get(holiday.name, holiday.value) for holiday in chinese_calendar.Holiday}


@transaction.atomic
def import_official_calendar(*, year: int) -> tuple[int, int]:
    """Import `year`'s official calendar; a day the province entered itself is kept. Returns (written, kept)."""
    province_days = set(
        CalendarDay.objects.filter(date__year=year, source=DaySource.PROVINCE).values_list("date", flat=True)
    )
    written = kept = 0
    for day, kind, name in official_calendar(year):
        if day in province_days:
            kept += 1
            continue
        CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": DaySource.OFFICIAL}
        )
        written += 1
    return written, kept


@transaction.atomic
def save_calendar_day(*, actor: User, day: CalendarDay) -> CalendarDay:
    """Record a public holiday or a make-up working day (province); it replaces what the calendar had that day."""
    if not access.may(actor, "keep_calendar"):
        raise RuleViolation("只有省人社厅可以维护节假日安排。")
    day, _ = CalendarDay.objects.update_or_create(
        date=day.date, defaults={"kind": day.kind, "name": day.name, "source": DaySource.PROVINCE}
    )
    return day


@transaction.atomic
def remove_calendar_day(*, actor: User, day_id: int) -> None:
    """Take a day off the calendar; its history keeps who removed it and when."""
    if not access.may(actor, "keep_calendar"):
        raise RuleViolation("只有省人社厅可以维护节假日安排。")
    CalendarDay.objects.filter(pk=day_id).delete()


def candidates(batch: Batch):
    """Applications of the batch the province may propose: those it has checked on site."""
    return (
        Application.objects.filter(batch=batch, state=State.SITE_VISIT, site_visit__recorded_at__isnull=False)
        .select_related("institution__region")
        .order_by("institution__name")
    )


def _confirmation_number() -> str:
    return f"YY{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


@transaction.atomic
def lodge_objection(
    *, notice: PublicNotice, application_id: int, name: str, contact: str, facts: str, evidence=None
) -> Objection:
    """Anyone lodges an objection during the notice period; the province is told at once."""
    if not notice.is_open():
        raise RuleViolation("该公示不在公示期内，不能提出异议。")
    app = notice.applications.filter(pk=application_id).select_related("institution").first()
    if app is None:
        raise RuleViolation("请选择公示名单中的机构。", field="application")
    objection = Objection(
        notice=notice, application=app, name=name.strip(), contact=contact.strip(), facts=facts.strip()
    )
    if evidence:
        checked = uploads.check(evidence)
        objection.kind, objection.evidence_type = checked.kind, checked.content_type
        objection.evidence_name = checked.original_name
        objection.evidence.save(checked.original_name, checked.file, save=False)
    for _ in range(5):
        objection.confirmation_number = _confirmation_number()
        if not Objection.objects.filter(confirmation_number=objection.confirmation_number).exists():
            break
    objection.save()
    events.happened("application.objection_received", actor=None, application=app, objection=objection)
    return objection


@transaction.atomic
def resolve_objection(*, actor: User, objection_id: int, resolution: str) -> Objection:
    """The province records how an objection was resolved."""
    objection = access.get_visible_or_404(
        actor, Objection.objects.select_for_update().select_related("application"), pk=objection_id
    )
    access.require(actor, "resolve", objection)  # the province, and only once
    if not resolution.strip():
        raise RuleViolation("请填写处理结果。", field="resolution")
    objection.resolution = resolution.strip()
    objection.resolved_at = timezone.now()
    objection.resolved_by = actor
    objection.save()
    events.happened(
        "application.objection_resolved", actor=actor, application=objection.application, objection=objection
    )
    return objection


def check_can_approve(app: Application, today: date | None = None) -> None:
    """An application is approved only after its public notice (公示) has run its full period, with every
    objection resolved (Art. 8(4)); one that was never on a notice is not approved at all."""
    today = today or timezone.localdate()
    notices = list(app.notices.all())
    if not notices:
        raise RuleViolation(
            "该申报尚未列入拟认定名单公示；公示期满且异议均已处理后，方可认定。", article="第八条第四项"
        )
    for notice in notices:
        if today <= notice.ends_on:
            raise RuleViolation(f"该申报正在公示（至{notice.ends_on:%Y年%-m月%-d日}），公示期满后方可认定。")
    if app.objections.filter(resolved_at=None).exists():
        raise RuleViolation("该申报有尚未处理的公示异议，处理完毕后方可认定。")


def open_notices(today: date | None = None):
    today = today or timezone.localdate()
    return PublicNotice.objects.filter(starts_on__lte=today, ends_on__gte=today).prefetch_related(
        "applications__institution__region"
    )
