"""Reads for the supervision pages and jobs, shaped for one list query each."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import InspectorUnit
from applications.notices import period_end, working_days
from bases import selectors as bases_selectors
from bases import verification
from bases.models import (
    FILED_STATES,
    MIN_ANNUAL_TRAINEES,
    WORKING_STATUSES,
    AnnualFiling,
    Base,
    ChangeFiling,
    ChangeFilingState,
    FilingState,
    Teacher,
)
from core import access, steps, timeline
from core.models import TimelineEvent

from .models import (
    DUTY_ARTICLES,
    CancellationRequest,
    Duty,
    Inspection,
    InspectionPlan,
    InspectionState,
    ObligationReminder,
    PlannedInspection,
    RectificationOrder,
    RectificationState,
    RequestState,
    SpotCheckDraw,
    UnitCapacity,
)

# Art. 20: bases whose periodic inspection falls due within this many days are listed with the overdue.
DUE_SOON_DAYS = 90


@dataclass
class InspectionFilters:
    kind: str = ""
    state: str = ""
    region: int | None = None


def inspections_for(user, filters: InspectionFilters) -> QuerySet[Inspection]:
    qs = access.visible(user, Inspection.objects.all()).select_related("base__region", "inspector_unit")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.region:
        qs = qs.filter(base__region_id=filters.region)
    waiting = Case(
        When(state="recorded", then=Value(0)),
        When(state="scheduled", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(waiting=waiting).order_by("waiting", "-scheduled_on", "-id")


def inspection_clock(today) -> QuerySet[Base]:
    """Working bases by their next periodic inspection's due date: overdue first, then due within 90 days."""
    return (
        Base.objects.working()
        .filter(next_inspection_due__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("region")
        .only("id", "name", "register_number", "next_inspection_due", "region__name", "status", "recognised_on")
        .order_by("next_inspection_due", "id")
    )


def inspection_detail(user, pk) -> Inspection:
    return access.get_visible_or_404(
        user, Inspection.objects.select_related("base__region", "base__institution", "inspector_unit", "draw"), pk=pk
    )


@dataclass(frozen=True)
class InspectionPeriod:
    """What an inspection looks back on (Art. 20): after the previous inspection of the base (or its
    recognition) up to this inspection's day."""

    since: date
    until: date
    previous: Inspection | None

    @property
    def since_label(self) -> str:
        return "上次考核" if self.previous else "认定"


def inspection_period(inspection: Inspection) -> InspectionPeriod:
    until = inspection.inspected_on or inspection.scheduled_on
    previous = (
        Inspection.objects.filter(base_id=inspection.base_id, inspected_on__isnull=False, inspected_on__lt=until)
        .exclude(pk=inspection.pk)
        .order_by("-inspected_on", "-pk")
        .first()
    )
    return InspectionPeriod(previous.inspected_on if previous else inspection.base.recognised_on, until, previous)


def inspection_records(inspection: Inspection) -> dict:
    """The base's own records the Art. 20 items are checked against, for the period under inspection: the
    faculty pool (师资队伍建设情况), the courseware log (课件更新情况, 课件及意识形态审核情况) and the annual
    reports of the period's years beside the training records (年度计划执行情况（年度报告）真实性核查)."""
    period = inspection_period(inspection)
    span = {"base_id": inspection.base_id, "since": period.since, "until": period.until}
    filings = list(
        AnnualFiling.objects.filter(base_id=inspection.base_id, year__range=(period.since.year, period.until.year))
        .exclude(state=FilingState.DRAFT)
        .order_by("year")
    )
    checks = verification.checks_for(filings)
    return {
        "period": period,
        "faculty": bases_selectors.faculty_at_inspection(**span),
        "courseware": bases_selectors.courseware_at_inspection(**span),
        "filings": [(filing, checks[filing.pk]) for filing in filings],
    }


def rectifications_for(user, *, late_only=False, state="") -> QuerySet[RectificationOrder]:
    qs = access.visible(user, RectificationOrder.objects.all()).select_related("base__region", "decision")
    if state:
        qs = qs.filter(state=state)
    if late_only:
        qs = qs.filter(deadline_missed_at__isnull=False, state=RectificationState.OPEN)
    open_first = Case(
        When(state__in=["open", "reported"], then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(open_first=open_first).order_by("open_first", "deadline", "id")


def cancellation_requests_for(user) -> QuerySet[CancellationRequest]:
    qs = access.visible(user, CancellationRequest.objects.all()).select_related(
        "base",
        "requested_by__institution",
        "requested_by__region",
        "requested_by__department",
        "requested_by__inspector_unit",
    )
    pending = Case(When(state=RequestState.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(pending=pending).order_by("pending", "-created_at")


def draws() -> QuerySet[SpotCheckDraw]:
    return SpotCheckDraw.objects.select_related("drawn_by").order_by("-drawn_at")


def live_bases() -> QuerySet[Base]:
    """The bases an inspection may be scheduled for: live and not suspended."""
    return Base.objects.working().order_by("year", "sequence")


# -- results not published in time (Art. 21) ------------------------------------------------------------


@dataclass(frozen=True)
class UnpublishedResult:
    """A confirmed result not yet published, past the working days it had (RESULT_PUBLICATION_WORKING_DAYS)."""

    inspection: Inspection
    confirmed_on: date
    due_on: date  # the last working day it should have been published on
    overdue_days: int  # working days since then, today included

    @property
    def link(self) -> str:
        """Where it is published: a spot check with its draw (一公开), anything else on its own page."""
        if self.inspection.draw_id:
            return reverse("supervision:draw", args=[self.inspection.draw_id])
        return reverse("supervision:detail", args=[self.inspection.pk])


def unpublished_results(today: date) -> list[UnpublishedResult]:
    """Confirmed inspection and spot-check results still unpublished more than N working days after their
    confirmation, most overdue first; two queries whatever their number.

    The confirmation time is the one the confirm service stores; for a row without it, the time of the
    confirm step on its timeline."""
    allowed = settings.RESULT_PUBLICATION_WORKING_DAYS
    confirm_step = TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Inspection), object_id=OuterRef("pk"), action="confirm"
    ).order_by("-created_at")
    # N working days take at least N calendar days: anything confirmed since then cannot be late yet.
    latest = timezone.make_aware(datetime.combine(today - timedelta(days=allowed), time.min))
    rows = list(
        Inspection.objects.filter(state=InspectionState.CONFIRMED)
        .annotate(
            confirmed=Coalesce(
                "confirmed_at", Subquery(confirm_step.values("created_at")[:1]), output_field=DateTimeField()
            )
        )
        .filter(confirmed__lt=latest)
        .select_related("base")
        .only("id", "kind", "result", "draw_id", "inspected_on", "base__id", "base__name", "base__register_number")
        .order_by("confirmed", "id")
    )
    if not rows:
        return []
    confirmed_on = {row.pk: timezone.localdate(row.confirmed) for row in rows}
    days = working_days(min(confirmed_on.values()) + timedelta(days=1), today)
    late = []
    for row in rows:
        before = bisect_right(days, confirmed_on[row.pk])  # working days up to the day of confirmation
        after = len(days) - before  # working days since, up to today
        if after > allowed:
            late.append(UnpublishedResult(row, confirmed_on[row.pk], days[before + allowed - 1], after - allowed))
    return sorted(late, key=lambda r: (-r.overdue_days, r.confirmed_on, r.inspection.pk))


# -- the step bars of an inspection and a rectification order (issue 15 (2)) -------------------------------

INSPECTION_STEPS = ("安排考核", "实地考核", "确认结果", "公布结果")
# The steps each state has passed (a result sent back is at 实地考核 again).
INSPECTION_REACHED = {
    InspectionState.SCHEDULED: 1,
    InspectionState.RECORDED: 2,
    InspectionState.CONFIRMED: 3,
    InspectionState.PUBLISHED: 4,
}


def inspection_steps(inspection: Inspection) -> list[steps.Step]:
    """安排考核 → 实地考核 → 确认结果 → 公布结果 (Art. 20, 21), each with the day it was reached: the day of
    the on-site inspection, the scheduled day while it is to come, and the last day to publish a confirmed
    result (RESULT_PUBLICATION_WORKING_DAYS). One timeline query, and one of the calendar while a confirmed
    result waits to be published."""
    events = {}
    for action, day in timeline.days_of(inspection, actions=["confirm", "publish", "send_back"]):
        events[action] = day  # the latest of each
    days = {
        "安排考核": timezone.localdate(inspection.created_at),
        "实地考核": inspection.inspected_on,
        "确认结果": timezone.localdate(inspection.confirmed_at) if inspection.confirmed_at else events.get("confirm"),
        "公布结果": timezone.localdate(inspection.published_at) if inspection.published_at else events.get("publish"),
    }
    passed = INSPECTION_REACHED[inspection.state]
    notes = {}
    if inspection.state == InspectionState.SCHEDULED:
        notes["实地考核"] = f"定于{inspection.scheduled_on:%Y年%-m月%-d日}"
        if "send_back" in events:
            notes["实地考核"] += f"；考核结果已于{events['send_back']:%Y年%-m月%-d日}退回，请重新提交"
    elif inspection.state == InspectionState.CONFIRMED and days["确认结果"]:
        allowed = settings.RESULT_PUBLICATION_WORKING_DAYS
        due = period_end(days["确认结果"] + timedelta(days=1), allowed)
        notes["公布结果"] = f"最迟于{due:%Y年%-m月%-d日}公布（确认后{allowed}个工作日内，第二十一条）"
    return steps.walk(
        [(label, days[label] if n < passed else None) for n, label in enumerate(INSPECTION_STEPS)], notes=notes
    )


RECTIFICATION_STEPS = ("责令整改", "提交整改报告", "核验")


def rectification_steps(order: RectificationOrder) -> list[steps.Step]:
    """责令整改 → 提交整改报告 → 核验 (Art. 23 first list), each with the day it was reached, the deadline on
    the report, and 整改未通过 where the verification ended it; read from the order itself, no query."""
    days = {
        "责令整改": timezone.localdate(order.ordered_at),
        "提交整改报告": timezone.localdate(order.reported_at) if order.reported_at else None,
        "核验": timezone.localdate(order.verified_at) if order.verified_at else None,
    }
    deadline = f"整改期限{order.deadline:%Y年%-m月%-d日}（第二十三条）"
    if order.state == RectificationState.OPEN and order.deadline < timezone.localdate():
        deadline += "，已逾期"
    elif days["提交整改报告"] and days["提交整改报告"] > order.deadline:
        deadline += "，逾期提交"
    notes = {"提交整改报告": deadline}
    ended = None
    if order.state == RectificationState.FAILED:
        ended = ("整改未通过", days.pop("核验"))
    elif order.state == RectificationState.PASSED:
        notes["核验"] = "整改通过"
    return steps.walk([(label, days.get(label)) for label in RECTIFICATION_STEPS], ended=ended, notes=notes)


# -- the obligations monitor (issue 18 (4)): every live base against its standing duties -------------------------

OK, DUE, FAILING = 0, 1, 2
LEVEL_LABELS = {OK: "正常", DUE: "即将到期", FAILING: "未履行"}
YEAR = timedelta(days=365)
DUE_AHEAD = timedelta(days=30)  # a yearly duty shows as due in its last month


@dataclass(frozen=True)
class DutyStatus:
    duty: str
    level: int
    note: str

    @property
    def label(self) -> str:
        return Duty(self.duty).label

    @property
    def article(self) -> str:
        return DUTY_ARTICLES[self.duty]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def failing(self) -> bool:
        return self.level == FAILING

    @property
    def due(self) -> bool:
        return self.level == DUE

    @property
    def remindable(self) -> bool:
        """Art. 21's results are published by the province: nothing to remind the base of."""
        return self.level != OK and self.duty != Duty.RESULTS_PUBLISHED


@dataclass
class ObligationRow:
    """One base failing (or soon due for) one duty, as the monitor and its export show it; what lies behind it
    is worded only for the rows shown."""

    base: Base
    duty: str
    level: int
    today: date
    last_reminded: datetime | None = None

    @cached_property
    def status(self) -> DutyStatus:
        return DutyStatus(self.duty, self.level, _note(self.duty, self.level, self.base, self.today))


def _late_confirmation(today: date) -> datetime:
    """A result confirmed before this moment is past its RESULT_PUBLICATION_WORKING_DAYS (Art. 21)."""
    allowed = settings.RESULT_PUBLICATION_WORKING_DAYS
    days = working_days(today - timedelta(days=allowed * 3 + 60), today)
    # late when more than `allowed` working days lie after the day of confirmation, up to today
    first_late = days[-(allowed + 1)] if len(days) > allowed else today
    return timezone.make_aware(datetime.combine(first_late, time.min))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def obligations(today: date, *, region=None, bases: QuerySet[Base] | None = None) -> QuerySet[Base]:
    """Live bases with each duty's level (`lv_<duty>`: 0 ok, 1 due, 2 failing) and the facts behind it, all in
    one query whatever their number (subqueries per duty, no query per base)."""
    year_ago, due_from = _day_start(today - YEAR), _day_start(today - YEAR + DUE_AHEAD)
    last_year = today.year - 1
    confirmed = Inspection.objects.filter(base=OuterRef("pk"), state=InspectionState.CONFIRMED).annotate(
        confirmed=Coalesce("confirmed_at", "recorded_at", "created_at")
    )
    changes = ChangeFiling.objects.filter(base=OuterRef("pk"))
    filing = AnnualFiling.objects.filter(base=OuterRef("pk"), year=last_year)
    this_year_filed = AnnualFiling.objects.filter(base=OuterRef("pk"), year=today.year, state__in=FILED_STATES)
    pool = Teacher.history.model.objects.filter(base_id=OuterRef("pk")).order_by("-history_date")
    qs = (bases if bases is not None else Base.objects.all()).live()
    if region:
        qs = qs.filter(region_id=region)
    qs = qs.annotate(
        fee_updated=F("fee_disclosure__updated_at"),
        faculty_updated=Subquery(pool.values("history_date")[:1]),
        unpublished_since=Subquery(confirmed.order_by("confirmed").values("confirmed")[:1]),
        changes_returned=Exists(changes.filter(state=ChangeFilingState.RETURNED)),
        changes_submitted=Exists(changes.filter(state=ChangeFilingState.SUBMITTED)),
        filing_state=Subquery(filing.values("state")[:1]),
        filing_late=Subquery(filing.values("overdue_marked_at")[:1]),
        filing_trained=Subquery(filing.values("trained_total")[:1]),
        filed_this_year=Exists(this_year_filed),
    )

    def level(*rules, applies=None):
        whens = [When((applies or Q()) & condition, then=Value(lv)) for condition, lv in rules]
        return Case(*whens, default=Value(OK), output_field=IntegerField())

    filing_applies = Q(recognised_on__lte=date(last_year, 12, 31))
    return qs.annotate(
        **{
            f"lv_{Duty.FEE_DISCLOSURE}": level(
                (Q(fee_updated__isnull=True) | Q(fee_updated__lt=year_ago), FAILING), (Q(fee_updated__lt=due_from), DUE)
            ),
            f"lv_{Duty.FACULTY_POOL}": level(
                (Q(faculty_updated__isnull=True) | Q(faculty_updated__lt=year_ago), FAILING),
                (Q(faculty_updated__lt=due_from), DUE),
            ),
            f"lv_{Duty.RESULTS_PUBLISHED}": level(
                (Q(unpublished_since__lt=_late_confirmation(today)), FAILING), (Q(unpublished_since__isnull=False), DUE)
            ),
            f"lv_{Duty.CHANGE_FILINGS}": level((Q(changes_returned=True), FAILING), (Q(changes_submitted=True), DUE)),
            f"lv_{Duty.ANNUAL_FILING}": level(
                (
                    filing_applies
                    & (
                        Q(filing_state__isnull=True)
                        | ~Q(filing_state__in=FILED_STATES)
                        | Q(filing_late__isnull=False)
                        | Q(filing_trained__lt=MIN_ANNUAL_TRAINEES)
                    ),
                    FAILING,
                ),
                # in December the year's own report falls due (31 December)
                *([(Q(filed_this_year=False, recognised_on__lte=today), DUE)] if today.month == 12 else []),
            ),
            f"lv_{Duty.INSPECTION}": level(
                (Q(next_inspection_due__lt=today), FAILING),
                (Q(next_inspection_due__lte=today + timedelta(days=DUE_SOON_DAYS)), DUE),
                applies=Q(status__in=WORKING_STATUSES),
            ),
        }
    ).select_related("region")


def _day(moment) -> str:
    return f"{timezone.localdate(moment):%Y年%-m月%-d日}" if moment else ""


def _filing_note(base, today) -> str:
    year = today.year - 1
    if base.filing_state is None or base.filing_state not in FILED_STATES:
        return f"未报送{year}年度报告和{year + 1}年度计划（应于{year}年12月31日前报送）"
    if base.filing_late is not None:
        return f"{year}年度报告逾期报送（应于{year}年12月31日前报送）"
    if base.filing_trained is not None and base.filing_trained < MIN_ANNUAL_TRAINEES:
        return f"{year}年培训{base.filing_trained}人，不足{MIN_ANNUAL_TRAINEES}人"
    return f"{today.year}年度报告和{today.year + 1}年度计划尚未报送，应于{today.year}年12月31日前报送"


def _note(duty: str, level: int, base, today: date) -> str:
    if duty == Duty.FEE_DISCLOSURE:
        if base.fee_updated is None:
            return "未公开继续教育范围、内容、收费项目及标准"
        return f"收费公开最近更新于{_day(base.fee_updated)}" + ("，已超过一年" if level == FAILING else "")
    if duty == Duty.FACULTY_POOL:
        if base.faculty_updated is None:
            return "未建立师资队伍库"
        return f"师资队伍库最近更新于{_day(base.faculty_updated)}" + ("，已超过12个月" if level == FAILING else "")
    if duty == Duty.RESULTS_PUBLISHED:
        if base.unpublished_since is None:
            return ""
        return f"{_day(base.unpublished_since)}确认的考核结果尚未公布" + ("，已逾期" if level == FAILING else "")
    if duty == Duty.CHANGE_FILINGS:
        if base.changes_returned:
            return "变更备案被退回，尚未重新报送"
        return "变更备案待省人社厅备案" if base.changes_submitted else ""
    if duty == Duty.ANNUAL_FILING:
        return _filing_note(base, today) if level != OK else ""
    if duty == Duty.INSPECTION and level != OK:
        due = base.next_inspection_due
        if level == FAILING:
            return f"定期考核应于{due:%Y年%-m月%-d日}前完成，已逾期{(today - due).days}天"
        return f"定期考核应于{due:%Y年%-m月%-d日}前完成（{(due - today).days}天内到期）"
    return ""


def duty_statuses(base, today: date) -> list[DutyStatus]:
    """Each duty's level and what lies behind it, for a base read through `obligations`."""
    return [
        DutyStatus(duty, level := getattr(base, f"lv_{duty}"), _note(duty, level, base, today)) for duty in Duty.values
    ]


@dataclass
class ObligationFilters:
    duty: str = ""
    region: int | None = None
    level: int | None = None  # FAILING or DUE; None: both


def obligation_rows(today: date, filters: ObligationFilters) -> list[ObligationRow]:
    """The monitor's rows, duty by duty, in the order of the register: one query for the bases and their
    duties and one for the calendar, whatever the number of bases (with_last_reminders adds one)."""
    duties = [filters.duty] if filters.duty else Duty.values
    levels = [filters.level] if filters.level is not None else [DUE, FAILING]
    wanted = Q()
    for duty in duties:
        wanted |= Q(**{f"lv_{duty}__in": levels})
    bases = obligations(today, region=filters.region).filter(wanted).order_by("year", "sequence")
    # only what the rows need: the facts behind each duty are annotations
    bases = list(bases.only("id", "name", "register_number", "status", "next_inspection_due", "region__name"))
    return [
        ObligationRow(base, duty, getattr(base, f"lv_{duty}"), today)
        for duty in duties
        for base in bases
        if getattr(base, f"lv_{duty}") in levels
    ]


def with_last_reminders(rows: list[ObligationRow]) -> list[ObligationRow]:
    """Each row with when its base was last reminded of its duty: one query."""
    if rows:
        last = {
            (r["base_id"], r["duty"]): r["last"]
            for r in ObligationReminder.objects.filter(base__in={row.base.pk for row in rows})
            .values("base_id", "duty")
            .annotate(last=Max("sent_at"))
        }
        for row in rows:
            row.last_reminded = last.get((row.base.pk, row.duty))
    return rows


def obligation_counts(today: date) -> dict[str, tuple[int, int]]:
    """For each duty, how many live bases fail it and how many have it due: one query (the province's home)."""
    qs = obligations(today)
    sums = {}
    for duty in Duty.values:
        sums[f"{duty}_failing"] = Count("pk", filter=Q(**{f"lv_{duty}": FAILING}))
        sums[f"{duty}_due"] = Count("pk", filter=Q(**{f"lv_{duty}": DUE}))
    totals = qs.aggregate(**sums)
    return {duty: (totals[f"{duty}_failing"], totals[f"{duty}_due"]) for duty in Duty.values}


def compliance_card(base: Base, today: date) -> list[DutyStatus]:
    """One base's duties (the card on its page): two queries (the calendar and the base)."""
    found = obligations(today, bases=Base.objects.filter(pk=base.pk)).first()
    return duty_statuses(found, today) if found is not None else []


def last_reminders(base: Base) -> dict[str, datetime]:
    """When the base was last reminded of each duty: one query."""
    return dict(
        ObligationReminder.objects.filter(base=base)
        .values("duty")
        .annotate(last=Max("sent_at"))
        .values_list("duty", "last")
    )


# -- the three-year inspection plan (Art. 20) ----------------------------------------------------------------


def plans() -> QuerySet[InspectionPlan]:
    """The plans, newest first, with how many bases each placed and could not place; one query."""
    return (
        InspectionPlan.objects.select_related("created_by")
        .annotate(
            placed=Count("entries", filter=Q(entries__unit__isnull=False)),
            unplaced=Count("entries", filter=Q(entries__unit__isnull=True)),
        )
        .order_by("-created_at", "-id")
    )


def plan_detail(user, pk) -> InspectionPlan:
    return access.get_visible_or_404(user, InspectionPlan.objects.select_related("created_by"), pk=pk)


@dataclass
class UnitLoad:
    unit: InspectorUnit
    booked: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.booked >= self.capacity


@dataclass
class PlanMonth:
    month: date
    entries: list
    loads: list  # UnitLoad of each unit with a capacity


def plan_months(plan: InspectionPlan) -> list[PlanMonth]:
    """The plan's placed inspections grouped by month, with each unit's load against its capacity; two queries."""
    entries = list(
        plan.entries.filter(unit__isnull=False)
        .select_related("base__region", "unit")
        .order_by("month", "unit__name", "base__year", "base__sequence")
    )
    units = list(InspectorUnit.objects.filter(capacity__isnull=False).select_related("capacity").order_by("name"))
    by_month: dict[date, list] = {}
    for e in entries:
        by_month.setdefault(e.month, []).append(e)
    months = []
    for month, rows in by_month.items():
        counts: dict[int, int] = {}
        for e in rows:
            counts[e.unit_id] = counts.get(e.unit_id, 0) + 1
        loads = [UnitLoad(u, counts.get(u.pk, 0), u.capacity.per_month) for u in units if counts.get(u.pk) or u.active]
        months.append(PlanMonth(month, rows, loads))
    return months


def unplaced_entries(plan: InspectionPlan) -> QuerySet[PlannedInspection]:
    return (
        plan.entries.filter(unit__isnull=True)
        .select_related("base__region")
        .order_by("due_on", "base__year", "base__sequence")
    )


def plan_entry(user, pk) -> PlannedInspection:
    return access.get_visible_or_404(
        user, PlannedInspection.objects.select_related("plan", "base__region", "unit"), pk=pk
    )


def unit_capacities() -> QuerySet[InspectorUnit]:
    """The active commissioned units with their monthly capacity (or none yet); one query."""
    return (
        InspectorUnit.objects.filter(active=True)
        .select_related("region", "capacity__set_by")
        .order_by("region__order", "name")
    )


def capacity_changes(limit: int = 30) -> list:
    """The latest changes of the units' capacities (their history), newest first; one query."""
    return list(
        UnitCapacity.history.select_related("unit", "history_user").order_by("-history_date", "-history_id")[:limit]
    )
