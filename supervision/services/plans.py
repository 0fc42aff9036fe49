"""The three-year inspection plan (Art. 20: every base inspected on site at least once in 3 years): the
portal proposes a schedule from each base's due date and each commissioned unit's monthly capacity, the
province moves bases between months and units, and accepting the plan schedules its inspections."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import InspectorUnit, User
from bases.models import LIVE_STATUSES, Base, BaseStatus
from core import access
from core.errors import Conflict, RuleViolation
from core.periods import add_months, last_day_of_years, month_end
from core.workflow import perform

from ..models import (
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionState,
    PlannedInspection,
    UnitCapacity,
)
from ..workflow import PLAN_WORKFLOW
from .inspections import schedule_inspection

PLAN_MONTHS = 36
# the day of its month a planned inspection is scheduled on, unless the base falls due earlier
PLANNED_DAY = 15

NO_CAPACITY = "尚未设定任何受委托考核单位的月考核能力，无法安排。"
SAME_CITY_ONLY = "只有与基地同一设区市的受委托考核单位，须回避，无法安排。"
SUSPENDED = "基地暂停中（第二十三条第二款第二项），暂不安排考核。"


def deadline_in_plan(due: date, starts_on: date) -> date:
    """The last day a base may be inspected under the plan: its due date, or for a base already overdue when the
    plan starts, the end of the plan's first month (as soon as possible)."""
    return max(due, month_end(starts_on))


def full_before(deadline: date) -> str:
    return f"截止日（{deadline:%Y年%-m月%-d日}）前各月回避同城后的考核能力已排满，考核能力不足，无法安排。"


def planned_day(month: date, deadline: date, today: date) -> date:
    """The day a planned month's inspection is scheduled on: the 15th, the due date if earlier, never before today."""
    return max(today, min(month.replace(day=PLANNED_DAY), deadline))


@dataclass(frozen=True)
class Candidate:
    base_id: int
    region_id: int
    due: date


@dataclass(frozen=True)
class Unit:
    unit_id: int
    region_id: int | None
    per_month: int


def fit(candidates: list[Candidate], units: list[Unit], starts_on: date, months: int):
    """The schedule: {base_id: (month index, unit_id)} and {base_id: reason} for the bases it cannot fit.

    Earliest deadline first: a base is placed in the least loaded month before its deadline (the later on a tie,
    near its due date) and there with the unit least booked that month, then with the least share of its three
    years' capacity used; never a unit of the base's own city. Free capacity is kept per month and per city so each base costs O(months + units).
    """
    month_starts = [add_months(starts_on, n) for n in range(months)]
    units = [u for u in units if u.per_month > 0]
    remaining = [[u.per_month for u in units] for _ in month_starts]
    free_total = [sum(u.per_month for u in units) for _ in month_starts]
    free_by_city = [{} for _ in month_starts]
    for m in range(months):
        for u in units:
            if u.region_id is not None:
                free_by_city[m][u.region_id] = free_by_city[m].get(u.region_id, 0) + u.per_month
    month_load = [0] * months
    unit_load = [0] * len(units)
    unit_total = [u.per_month * months for u in units]
    eligible_by_city: dict[int, list[int]] = {}
    placed, unplaced = {}, {}
    for c in sorted(candidates, key=lambda c: (c.due, c.base_id)):
        if not units:
            unplaced[c.base_id] = NO_CAPACITY
            continue
        eligible = eligible_by_city.get(c.region_id)
        if eligible is None:
            eligible = eligible_by_city[c.region_id] = [i for i, u in enumerate(units) if u.region_id != c.region_id]
        if not eligible:
            unplaced[c.base_id] = SAME_CITY_ONLY
            continue
        deadline = deadline_in_plan(c.due, starts_on)
        best = None
        for m, first_day in enumerate(month_starts):
            if first_day > deadline:
                break
            # the least loaded month; on a tie the later one, so a base is inspected near its due date
            if free_total[m] - free_by_city[m].get(c.region_id, 0) > 0 and (
                best is None or month_load[m] <= month_load[best]
            ):
                best = m
        if best is None:
            unplaced[c.base_id] = full_before(deadline)
            continue
        row = remaining[best]
        # the unit least booked that month, then the one that used the least of its three years' capacity
        choice = min(
            (i for i in eligible if row[i] > 0),
            key=lambda i: (1 - row[i] / units[i].per_month, unit_load[i] / unit_total[i], i),
        )
        row[choice] -= 1
        free_total[best] -= 1
        region = units[choice].region_id
        if region is not None:
            free_by_city[best][region] -= 1
        month_load[best] += 1
        unit_load[choice] += 1
        placed[c.base_id] = (best, units[choice].unit_id)
    return placed, unplaced


def _due(next_inspection_due, recognised_on) -> date:
    return next_inspection_due or last_day_of_years(recognised_on, 3)


@transaction.atomic
def propose_plan(*, actor: User, today: date | None = None, months: int = PLAN_MONTHS) -> InspectionPlan:
    """Propose a three-year plan from this month on (Art. 20): every live base, every unit's capacity; a fixed
    number of queries however many bases."""
    access.require_capability(actor, "plan_inspections")
    today = today or timezone.localdate()
    starts_on = today.replace(day=1)
    rows = list(
        Base.objects.filter(status__in=LIVE_STATUSES)
        .order_by("id")
        .values_list("id", "region_id", "status", "next_inspection_due", "recognised_on")
    )
    pending = dict(
        Inspection.objects.filter(
            kind=InspectionKind.PERIODIC, state__in=[InspectionState.SCHEDULED, InspectionState.RECORDED]
        )
        .order_by("scheduled_on")
        .values_list("base_id", "scheduled_on")
    )
    units = [
        Unit(*row)
        for row in UnitCapacity.objects.filter(unit__active=True)
        .order_by("unit_id")
        .values_list("unit_id", "unit__region_id", "per_month")
    ]
    dues, candidates, reasons = {}, [], {}
    for base_id, region_id, status, next_due, recognised_on in rows:
        dues[base_id] = _due(next_due, recognised_on)
        if status == BaseStatus.SUSPENDED:
            reasons[base_id] = SUSPENDED
        elif base_id in pending:
            reasons[base_id] = f"已安排定期考核（{pending[base_id]:%Y年%-m月%-d日}），无需列入计划。"
        else:
            candidates.append(Candidate(base_id, region_id, dues[base_id]))
    placed, unplaced = fit(candidates, units, starts_on, months)
    reasons.update(unplaced)
    plan = InspectionPlan.objects.create(starts_on=starts_on, months=months, created_by=actor)
    entries = [
        PlannedInspection(
            plan=plan,
            base_id=base_id,
            due_on=dues[base_id],
            month=add_months(starts_on, placed[base_id][0]) if base_id in placed else None,
            unit_id=placed[base_id][1] if base_id in placed else None,
            reason=reasons.get(base_id, ""),
        )
        for base_id in dues
    ]
    PlannedInspection.objects.bulk_create(entries)  # one INSERT however many bases (client-side binding)
    return plan


def _locked_plan(actor, plan_id, expected_state=None) -> InspectionPlan:
    plan = access.get_visible_or_404(actor, InspectionPlan.objects.select_for_update(), pk=plan_id)
    if expected_state and plan.state != expected_state:
        raise Conflict(
            f"该计划已由他人处理，当前状态为「{plan.get_state_display()}」，您的操作未执行，请查看最新情况。"
        )
    access.require(actor, "edit", plan)
    return plan


def placement_refusal(*, plan, entry, month: date, unit: InspectorUnit, booked: int) -> RuleViolation | None:
    """Why `entry`'s base may not be inspected by `unit` in `month` (booked: the unit's other bases that month)."""
    if month not in plan.month_starts():
        return RuleViolation("考核月份不在计划期内。", field="month", article="第二十条")
    deadline = deadline_in_plan(entry.due_on, plan.starts_on)
    if month > deadline:
        return RuleViolation(
            f"{entry.base.name}应于{deadline:%Y年%-m月%-d日}前完成考核，不能安排在{month:%Y年%-m月}。",
            field="month",
            article="第二十条",
        )
    if not unit.active:
        return RuleViolation(f"{unit.name}已停用。", field="unit")
    if unit.region_id is not None and unit.region_id == entry.base.region_id:
        return RuleViolation(
            f"{unit.name}与{entry.base.name}同在{entry.base.region.name}，须回避，不能安排。", field="unit"
        )
    capacity = getattr(getattr(unit, "capacity", None), "per_month", 0)
    if booked + 1 > capacity:
        return RuleViolation(
            f"{unit.name}{month:%Y年%-m月}已安排{booked}家，每月考核能力为{capacity}家，不能再安排。",
            field="unit",
        )
    return None


@transaction.atomic
def move_entry(*, actor: User, entry_id, month: date, unit_id, expected_state: str | None = None) -> PlannedInspection:
    """Move a base of a draft plan to another month and unit (or place one the proposal could not fit), refused
    if it double-books the unit beyond its capacity, falls after the base's due date or is in its own city."""
    entry = access.get_visible_or_404(actor, PlannedInspection.objects.select_related("base__region"), pk=entry_id)
    plan = _locked_plan(actor, entry.plan_id, expected_state)
    unit = InspectorUnit.objects.select_related("capacity").filter(pk=unit_id).first()
    if unit is None:
        raise RuleViolation("请选择受委托考核单位。", field="unit")
    booked = plan.entries.filter(month=month, unit=unit).exclude(pk=entry.pk).count()
    refused = placement_refusal(plan=plan, entry=entry, month=month, unit=unit, booked=booked)
    if refused:
        raise refused
    entry.month, entry.unit, entry.reason = month, unit, ""
    entry.save(update_fields=["month", "unit", "reason"])
    return entry


def plan_problems(plan: InspectionPlan) -> list[str]:
    """What would be refused now in the plan's placements (capacities or units may have changed since)."""
    entries = list(plan.entries.filter(unit__isnull=False).select_related("base__region", "unit__capacity"))
    # a base scheduled meanwhile (by hand, or by another plan accepted since) is not scheduled twice
    pending = set(
        Inspection.objects.filter(
            base_id__in=[e.base_id for e in entries],
            kind=InspectionKind.PERIODIC,
            state__in=[InspectionState.SCHEDULED, InspectionState.RECORDED],
        ).values_list("base_id", flat=True)
    )
    booked = {}
    problems = [f"{e.base.name}已另行安排定期考核" for e in entries if e.base_id in pending]
    for e in entries:
        key = (e.month, e.unit_id)
        refused = placement_refusal(plan=plan, entry=e, month=e.month, unit=e.unit, booked=booked.get(key, 0))
        booked[key] = booked.get(key, 0) + 1
        if refused:
            problems.append(str(refused))
    return problems


@transaction.atomic
def accept_plan(*, actor: User, plan_id, expected_state: str | None = None) -> InspectionPlan:
    """Accept a draft plan and schedule each of its placed inspections through the inspection service (with its
    notifications to the unit and the base), all or nothing (Art. 20)."""

    def check(plan, t):
        problems = plan_problems(plan)
        if problems:
            raise RuleViolation("计划中有不能安排的考核，请先调整：" + "；".join(problems[:10]), article="第二十条")

    plan, _ = perform(
        workflow=PLAN_WORKFLOW, pk=plan_id, action="accept", actor=actor, expected_state=expected_state, check=check
    )
    plan.accepted_at = timezone.now()
    plan.save(update_fields=["accepted_at"])
    today = timezone.localdate()
    placed = list(plan.entries.filter(unit__isnull=False).select_related("base", "unit").order_by("month", "id"))
    for entry in placed:
        try:
            entry.inspection = schedule_inspection(
                actor=actor,
                base_id=entry.base_id,
                kind=InspectionKind.PERIODIC,
                scheduled_on=planned_day(entry.month, deadline_in_plan(entry.due_on, plan.starts_on), today),
                inspector_unit=entry.unit,
            )
        except RuleViolation as error:
            raise RuleViolation(f"{entry.base.name}：{error}", article="第二十条") from None
    PlannedInspection.objects.bulk_update(placed, ["inspection"], batch_size=1000)
    return plan


@transaction.atomic
def set_capacity(*, actor: User, unit_id, per_month: int) -> UnitCapacity:
    """Set how many inspections a commissioned unit can carry out in a month; the change is kept in its history."""
    access.require_capability(actor, "plan_inspections")
    if per_month < 0:
        raise RuleViolation("每月考核能力不能小于0。", field="per_month")
    unit = InspectorUnit.objects.filter(pk=unit_id, active=True).first()
    if unit is None:
        raise RuleViolation("请选择启用中的受委托考核单位。", field="unit")
    capacity, _ = UnitCapacity.objects.update_or_create(unit=unit, defaults={"per_month": per_month, "set_by": actor})
    return capacity


def month_loads(plan: InspectionPlan) -> dict:
    """{(month, unit_id): placed bases} of a plan, one query."""
    rows = plan.entries.filter(unit__isnull=False).values("month", "unit_id").annotate(n=Count("id")).order_by()
    return {(r["month"], r["unit_id"]): r["n"] for r in rows}
