"""Annual plan and report (Art. 19): the draft, its submission and decision, reminders and the overdue mark."""

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core import access, events
from core.errors import RuleViolation
from core.notifications import notify_each
from core.workflow import perform

from .. import verification
from ..models import (
    AnnualFiling,
    Base,
    FilingCheckPolicy,
    FilingPart,
    FilingProgramme,
)
from ..workflow import FILING_WORKFLOW

FILING_FIELDS = [
    "plan_execution",
    "trained_total",
    "priority_area_trainees",
    "fees_charged",
    "plan_trainees",
    "plan_description",
]


def filing_year_for(today) -> int:
    """The report year a base is filing now: the current year (due 31 December)."""
    return today.year


@transaction.atomic
def start_filing(*, actor: User, base_id, year: int) -> AnnualFiling:
    """Open (or reopen) the base's filing for a year; late filing after 31 December stays possible, flagged."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "start_filing", base)
    if year > timezone.localdate().year or year < base.recognised_on.year:
        raise RuleViolation(f"不能报送{year}年度的年度报告。")
    filing, created = AnnualFiling.objects.get_or_create(base=base, year=year)
    if created:
        _fill_from_records(filing)
        events.happened("filing_created", actor=actor, filing=filing, base=base)
    return filing


def _fill_from_records(filing: AnnualFiling) -> bool:
    """Put the year's recorded figures into the report part (people trained, the Art. 14 trainees, the classes
    and people per service form); False when the year has no records. The plan part is left alone."""
    figures = verification.recorded([(filing.base_id, filing.year)])[(filing.base_id, filing.year)]
    if figures.empty:
        return False
    filing.trained_total = figures.trained_total
    filing.priority_area_trainees = figures.priority_area_trainees
    filing.save(update_fields=["trained_total", "priority_area_trainees", "updated_at"])
    existing = {p.form: p for p in filing.programmes.filter(part=FilingPart.REPORT)}
    for form, (classes, trainees) in figures.by_form.items():
        programme = existing.pop(form, None) or FilingProgramme(filing=filing, part=FilingPart.REPORT, form=form)
        if programme.pk is None or (programme.count, programme.trainees) != (classes, trainees):
            programme.count, programme.trainees = classes, trainees
            programme.save()
    for programme in existing.values():
        programme.delete()
    return True


@transaction.atomic
def fill_filing_from_records(*, actor: User, filing_id) -> bool:
    """Replace a draft report's figures by those of the year's training records (Art. 18, 20); False when the
    year has none, and nothing changes then."""
    filing = access.get_visible_or_404(actor, AnnualFiling.objects.select_for_update(), pk=filing_id)
    access.require(actor, "edit", filing)
    return _fill_from_records(filing)


@transaction.atomic
def set_filing_tolerance(*, actor: User, percent: int) -> FilingCheckPolicy:
    """The province sets how far a report's figures may differ from the records before the queue flags it."""
    access.require_capability(actor, "review_annual_filings")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise RuleViolation("差异容忍度应为0到100之间的整数。", field="tolerance_percent")
    policy = FilingCheckPolicy.objects.select_for_update().order_by("pk").first() or FilingCheckPolicy()
    policy.tolerance_percent = percent
    policy.updated_by = actor
    policy.save()
    return policy


@transaction.atomic
def save_filing(*, actor: User, filing_id, data: dict, programmes: list[dict]) -> AnnualFiling:
    """Save the draft report and plan as typed (Art. 19)."""
    filing = access.get_visible_or_404(actor, AnnualFiling.objects.select_for_update(), pk=filing_id)
    access.require(actor, "edit", filing)
    for name in FILING_FIELDS:
        if name in data:
            setattr(filing, name, data[name])
    filing.save()
    existing = {(p.part, p.form): p for p in filing.programmes.all()}
    keep = set()
    for row in programmes:
        key = (row["part"], row["form"])
        if key in keep:
            raise RuleViolation("同一服务形式在同一部分只能填写一行，请合并。", field="programmes")
        keep.add(key)
        programme = existing.get(key) or FilingProgramme(filing=filing, part=row["part"], form=row["form"])
        if programme.pk is None or (programme.count, programme.trainees) != (row["count"], row["trainees"]):
            programme.count, programme.trainees = row["count"], row["trainees"]
            programme.save()
    for key, programme in existing.items():
        if key not in keep:
            programme.delete()
    return filing


def filing_problems(filing: AnnualFiling) -> list[str]:
    """What a filing must contain before it can be submitted (Art. 19: 执行情况总结和下一年度计划一并报送)."""
    problems = []
    if not filing.plan_execution.strip():
        problems.append("请填写年度计划执行情况")
    if filing.trained_total is None:
        problems.append("请填写本年度培训专业技术人员人数")
    if filing.priority_area_trainees is None:
        problems.append("请填写革命老区、民族地区和不发达地区学员人数（第十四条，没有填0）")
    elif filing.trained_total is not None and filing.priority_area_trainees > filing.trained_total:
        problems.append("革命老区等地区学员人数不能超过培训总人数")
    if not filing.fees_charged.strip():
        problems.append("请填写收费情况")
    if filing.plan_trainees is None:
        problems.append("请填写下一年度计划培训人数")
    if not filing.plan_description.strip():
        problems.append("请填写下一年度计划")
    programmes = list(filing.programmes.all())
    parts = {p.part for p in programmes}
    if FilingPart.REPORT not in parts:
        problems.append("请按第十三条的服务形式填写本年度举办的培训项目")
    if FilingPart.PLAN not in parts:
        problems.append("请按第十三条的服务形式填写下一年度计划举办的培训项目")
    # every person trained attended at least one programme: the total cannot exceed the programmes' sum
    for part, total, label in (
        (FilingPart.REPORT, filing.trained_total, "本年度培训人数"),
        (FilingPart.PLAN, filing.plan_trainees, "下一年度计划培训人数"),
    ):
        rows = sum(p.trainees for p in programmes if p.part == part)
        if part in parts and total is not None and total > rows:
            problems.append(f"{label}（{total}人）超过了各培训项目人数之和（{rows}人），请核对")
    return problems


@transaction.atomic
def filing_transition(
    *, actor: User, filing_id, action: str, comment: str = "", expected_state: str | None = None
) -> AnnualFiling:
    """Submit, accept or return an annual filing, with the timeline and the next party notified."""

    def check(filing, t):
        if t.action == "submit":
            problems = filing_problems(filing)
            if problems:
                raise RuleViolation("年度报告尚不完整，不能提交：" + "；".join(problems) + "。", article="第十九条")

    filing, t = perform(
        workflow=FILING_WORKFLOW,
        queryset=AnnualFiling.objects.select_related("base"),
        pk=filing_id,
        action=action,
        actor=actor,
        comment=comment,
        expected_state=expected_state,
        check=check,
    )
    now = timezone.now()
    if action == "submit":
        filing.submitted_at = filing.submitted_at or now  # the first submission decides timeliness
        events.happened("filing_submitted", actor=actor, filing=filing, base=filing.base)
    else:
        filing.decided_at = now
        events.happened(
            "filing_decided", actor=actor, filing=filing, base=filing.base, accepted=action == "accept", comment=comment
        )
    filing.save(update_fields=["submitted_at", "decided_at", "updated_at"])
    return filing


def bases_due_to_file(year: int, on):
    """Active bases recognised by `on` that have no submitted or accepted filing for `year`."""
    filed = AnnualFiling.objects.filed().filter(year=year).values("base_id")
    return Base.objects.live().filter(recognised_on__lte=on).exclude(pk__in=filed)


def reminder_days() -> list[tuple[int, int]]:
    from django.conf import settings

    return [tuple(int(x) for x in day.split("-")) for day in settings.ANNUAL_FILING_REMINDER_DAYS]


@transaction.atomic
def send_filing_reminders(*, today) -> int:
    """On each reminder day, remind every base that has not filed (Art. 19); once per base, year and day."""
    if (today.month, today.day) not in reminder_days():
        return 0
    year = filing_year_for(today)
    bases = list(
        bases_due_to_file(year, today)
        .select_related("institution")
        .only("id", "name", "institution_id")
        .prefetch_related(
            Prefetch(
                "institution__users",
                queryset=User.objects.filter(is_active=True, role=Role.INSTITUTION),
                to_attr="active_staff",
            )
        )
    )
    deadline = f"{year}年12月31日"
    link = reverse("bases:filings")
    messages = [
        {
            "recipients": base.institution.active_staff,
            "title": f"请于{deadline}前报送{year}年度报告和{year + 1}年度计划",
            "body": (
                f"{base.name}尚未报送{year}年度计划执行情况总结（年度报告）和{year + 1}年度计划。依据第十九条，"
                f"请于{deadline}前报省人社厅备案。"
            ),
            "url": link,
            "dedupe_key": f"filing-reminder:{base.pk}:{year}:{today:%m%d}",
        }
        for base in bases
    ]
    return notify_each(messages)


@transaction.atomic
def mark_overdue_filings(*, today) -> int:
    """From 1 January, mark every live base that had not filed last year's report by 31 December as overdue,
    and tell the province. Whenever the job runs (a late run catches up after an outage), what counts is
    whether the filing was submitted before 1 January 00:00 Shanghai time, not whether it is filed now."""
    year = today.year - 1
    due_by = date(year, 12, 31)
    now = timezone.now()
    # A filing first submitted by 31 December was on time, even if it was returned for changes afterwards.
    deadline = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    on_time = AnnualFiling.objects.filter(year=year, submitted_at__lt=deadline).values("base_id")
    late = Base.objects.live().filter(recognised_on__lte=due_by).exclude(pk__in=on_time)
    # Drafts, returned filings and filings submitted after the deadline become overdue; bases with no
    # filing at all get an overdue row.
    marked = AnnualFiling.objects.filter(year=year, base__in=late, overdue_marked_at=None).update(overdue_marked_at=now)
    without_row = late.exclude(annual_filings__year=year).values_list("pk", flat=True)
    created = AnnualFiling.objects.bulk_create(
        [AnnualFiling(base_id=pk, year=year, overdue_marked_at=now) for pk in without_row], ignore_conflicts=True
    )
    count = marked + len(created)
    overdue = list(
        AnnualFiling.objects.filter(year=year, overdue_marked_at__isnull=False)
        .select_related("base")
        .order_by("base__year", "base__sequence")
        .values_list("base__register_number", "base__name")
    )
    if overdue:
        lines = "\n".join(f"{number} {name}" for number, name in overdue)
        events.happened("filings_overdue", actor=None, year=year, count=len(overdue), lines=lines)
    return count
