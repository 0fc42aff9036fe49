"""The figures of the province's dashboard (SPEC 4), each one aggregate query, scoped per user.

A recommender sees the same figures over its own unit's applications and the bases they led to.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from accounts.models import InstitutionKind, Region, TrainingField
from applications.models import Application, Bar, State
from bases.models import LIVE_STATUSES, MIN_ANNUAL_TRAINEES, AnnualFiling, Base, BaseStatus, FilingState
from core import access
from core.periods import add_years
from supervision.models import Inspection, InspectionKind, InspectionState, RectificationOrder, RectificationState

REACHED_RECOMMENDED = [State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT, State.APPROVED, State.REJECTED]


def region_names() -> list[tuple[int, str]]:
    return cache.get_or_set(
        "reports:regions:v1", lambda: list(Region.objects.order_by("order").values_list("id", "name")), 3600
    )


def scoped_bases(user) -> QuerySet[Base]:
    return access.visible(user, Base.objects.all())


def scoped_applications(user) -> QuerySet[Application]:
    return access.visible(user, Application.objects.all())


class RectificationRow(NamedTuple):
    """A rectification in progress, with what the page says about it."""

    name: str
    deadline: date
    state: str
    deadline_missed_at: datetime | None

    @property
    def is_reported(self) -> bool:
        """The base has reported its rectification; the province has yet to verify it."""
        return self.state == RectificationState.REPORTED

    @property
    def is_overdue(self) -> bool:
        return self.deadline_missed_at is not None and self.state == RectificationState.OPEN


@dataclass
class Dashboard:
    today: date
    by_region: list = field(default_factory=list)  # (name, active, rectifying, revoked/cancelled)
    by_type: list = field(default_factory=list)
    by_field: list = field(default_factory=list)  # (field, live bases, retired?) Art. 3
    by_status: list = field(default_factory=list)
    funnel: list = field(default_factory=list)
    training: list = field(default_factory=list)
    under_target: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    rectifications: list = field(default_factory=list)  # RectificationRow
    bars: list = field(default_factory=list)


DASHBOARD_CACHE_SECONDS = 24 * 3600


def generation() -> str | None:
    """The generation number of the committed figures, or None when they must be counted afresh: this
    transaction wrote a table behind them (its own rows are not in the committed number), or the number's row
    is missing (a test suite emptied the tables)."""
    if connection.vendor != "postgresql":  # no triggers keep it there (migration 0001): count every time
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, current_setting('reports.dashboard_dirty', true) FROM reports_generation WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None or row[1] == "on":
        return None
    return str(row[0])


def scope_key(user) -> str:
    """Who sees the same figures: the province (and a superuser), or one recommending unit."""
    if access.scope_q(user, Application) == access.EVERYTHING:
        unit = "all"
    else:
        unit = f"{user.role}:r{user.region_id}:d{user.department_id}:i{user.institution_id}"
    return f"{unit}:bars{int(access.may(user, 'keep_bars'))}"


_UNSET = object()


def dashboard_key(user, today: date) -> str | None:
    """The cache key of this user's figures today at the current generation (1 query), or None when they must be
    counted afresh. It also names the page's rendered figures (reports/views.py)."""
    number = generation()
    if number is None:
        return None
    # v1: the shape of Dashboard; a release that changes its fields changes the version, not reading old entries
    return f"reports:dashboard:v1:{connection.settings_dict['NAME']}:{number}:{today.isoformat()}:{scope_key(user)}"


def dashboard(user, today: date, key=_UNSET) -> Dashboard:
    """The figures of the dashboard: 1 query when another request of the same scope counted them on the same day
    at the same generation (cached), else 1 + the fixed number of `count_dashboard`. `key`: `dashboard_key`'s
    answer, when the caller asked already."""
    if key is _UNSET:
        key = dashboard_key(user, today)
    if key is None:
        return count_dashboard(user, today)
    d = cache.get(key)
    if d is None:
        d = count_dashboard(user, today)
        cache.set(key, d, DASHBOARD_CACHE_SECONDS)
    return d


def count_dashboard(user, today: date) -> Dashboard:
    """Every figure of the dashboard in a fixed number of queries, whatever the data's size."""
    d = Dashboard(today=today)
    bases = scoped_bases(user)

    # 1 query: bases by city, type and status, pivoted in Python.
    counts = list(bases.values_list("region_id", "institution_type", "status").annotate(n=Count("id")))
    regions = region_names()  # cached: the ten city-level units are reference data
    region_status, type_live, status_total = Counter(), Counter(), Counter()
    for region_id, kind, status, n in counts:
        region_status[(region_id, status)] += n
        status_total[status] += n
        if status in LIVE_STATUSES:
            type_live[kind] += n
    d.by_region = [
        (
            name,
            region_status[(rid, BaseStatus.ACTIVE)],
            region_status[(rid, BaseStatus.RECTIFYING)],
            region_status[(rid, BaseStatus.REVOKED)] + region_status[(rid, BaseStatus.CANCELLED)],
        )
        for rid, name in regions
    ]
    # 1 query: the kinds as the province names them now (Art. 3); a retired kind shows while bases still hold it.
    d.by_type = [
        (name, type_live[code])
        for code, name, retired_on in InstitutionKind.objects.values_list("code", "name", "retired_on")
        if retired_on is None or type_live[code]
    ]
    # 1 query: live bases per field (a base in two fields counts in each).
    d.by_field = [
        (name, n, retired_on is not None)
        for name, n, retired_on in TrainingField.objects.annotate(
            n=Count("bases", filter=Q(bases__in=bases.filter(status__in=LIVE_STATUSES)), distinct=True)
        )
        .filter(Q(retired_on__isnull=True) | Q(n__gt=0))
        .values_list("name", "n", "retired_on")
    ]
    d.by_status = [(label, status_total[value]) for value, label in BaseStatus.choices]

    # 1 query: each batch's funnel, counted over the applications in scope only (filter first, then group by
    # batch): a recommender's funnel reads its own unit's rows (the routing indexes), never the province's.
    everything = access.scope_q(user, Application) == access.EVERYTHING
    d.funnel = list(
        scoped_applications(user)
        .order_by()
        .values("batch_id", "batch__name", "batch__year", "batch__opens_on")
        .annotate(
            filed=Count("id"),
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            recommended=Count("id", filter=Q(state__in=REACHED_RECOMMENDED)),
            not_recommended=Count("id", filter=Q(state=State.NOT_RECOMMENDED)),
            recognised=Count("id", filter=Q(state=State.APPROVED)),
            rejected=Count("id", filter=Q(state=State.REJECTED)),
        )
        # the newest batches that have applications in scope, not the newest batches
        .order_by("-batch__year", "-batch__opens_on")
        .values_list("batch__name", "filed", "submitted", "recommended", "not_recommended", "recognised", "rejected")[
            :8
        ]
    )

    # 1 query: training totals per year against the target; 1 query: bases under target.
    filings = AnnualFiling.objects.filter(state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED])
    if not everything:
        filings = filings.filter(base__in=bases)
    d.training = list(
        filings.values("year")
        .annotate(
            bases=Count("id"),
            trained=Sum("trained_total"),
            planned=Sum("plan_trainees"),
            under=Count("id", filter=Q(trained_total__lt=MIN_ANNUAL_TRAINEES)),
        )
        .order_by("-year")
        .values_list("year", "bases", "trained", "planned", "under")[:6]
    )
    d.under_target = list(
        filings.filter(trained_total__lt=MIN_ANNUAL_TRAINEES)
        .select_related("base")
        .order_by("-year", "trained_total")
        .values_list("year", "base__name", "base__register_number", "trained_total")[:50]
    )

    # 1 query: inspection coverage (Art. 20: a completed on-site periodic inspection within 3 years, or recognised
    # within 3 years: its first inspection is not due yet).
    since = add_years(today, -3)
    inspected = Inspection.objects.filter(
        base=OuterRef("pk"),
        kind=InspectionKind.PERIODIC,
        state__in=[InspectionState.CONFIRMED, InspectionState.PUBLISHED],
        inspected_on__gte=since,  # the anniversary is the period's last day (periods.py)
    )
    live = bases.filter(status__in=LIVE_STATUSES)
    coverage = live.aggregate(
        total=Count("id"), covered=Count("id", filter=Q(Exists(inspected)) | Q(recognised_on__gte=since))
    )
    coverage["share"] = round(100 * coverage["covered"] / coverage["total"], 1) if coverage["total"] else 0
    d.coverage = coverage

    # 1 query: due within 90 days or overdue, split in Python.
    clock = list(
        live.filter(next_inspection_due__lte=today + timedelta(days=90))
        .order_by("next_inspection_due")
        .values_list("name", "register_number", "next_inspection_due")[:200]
    )
    d.overdue = [row for row in clock if row[2] < today]
    d.due_soon = [row for row in clock if row[2] >= today]

    # 1 query each: rectifications in progress, bars in force.
    d.rectifications = [
        RectificationRow(*row)
        for row in RectificationOrder.objects.filter(
            base__in=bases, state__in=[RectificationState.OPEN, RectificationState.REPORTED]
        )
        .order_by("deadline")
        .values_list("base__name", "deadline", "state", "deadline_missed_at")[:100]
    ]
    if access.may(user, "keep_bars"):
        d.bars = list(
            Bar.objects.in_force(today)
            .order_by("-starts_on")
            .values_list("institution__name", "kind", "starts_on", "last_day")[:100]
        )
    return d


@dataclass
class YearSummary:
    year: int
    recognised: int = 0
    live_at_end: int = 0
    filings: int = 0
    trainees: int = 0
    priority_area_trainees: int = 0
    inspections: dict = field(default_factory=dict)
    rectifications_ordered: int = 0
    rectifications_passed: int = 0
    revocations: dict = field(default_factory=dict)
    recognised_bases: list = field(default_factory=list)


def year_summary(year: int) -> YearSummary:
    """The province's own year-end figures for its filing with the ministry."""
    from supervision.models import Revocation

    start, end = date(year, 1, 1), date(year, 12, 31)
    s = YearSummary(year=year)
    s.recognised_bases = list(
        Base.objects.filter(recognised_on__range=(start, end))
        .select_related("region")
        .order_by("sequence")
        .values_list("register_number", "name", "region__name")
    )
    s.recognised = len(s.recognised_bases)
    ended = Q(status__in=[BaseStatus.REVOKED, BaseStatus.CANCELLED, BaseStatus.MERGED], status_changed_on__lte=end)
    s.live_at_end = Base.objects.filter(recognised_on__lte=end).exclude(ended).count()
    totals = AnnualFiling.objects.filter(year=year, state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED]).aggregate(
        n=Count("id"), trained=Sum("trained_total"), priority=Sum("priority_area_trainees")
    )
    s.filings, s.trainees, s.priority_area_trainees = totals["n"], totals["trained"] or 0, totals["priority"] or 0
    s.inspections = dict(
        Inspection.objects.filter(
            inspected_on__range=(start, end), state__in=[InspectionState.CONFIRMED, InspectionState.PUBLISHED]
        )
        .exclude(result="")
        .values_list("result")
        .annotate(n=Count("id"))
    )
    orders = RectificationOrder.objects.filter(ordered_at__date__range=(start, end)).aggregate(
        n=Count("id"), passed=Count("id", filter=Q(state=RectificationState.PASSED))
    )
    s.rectifications_ordered, s.rectifications_passed = orders["n"], orders["passed"]
    labels = {
        "failed_rectification": "整改不合格",
        "public_opinion": "引发重大舆情",
        "suspended": "工作暂停无法恢复",
        "requested": "主动申请取消",
    }
    s.revocations = {
        labels.get(g, g): n
        for g, n in Revocation.objects.filter(effective_on__range=(start, end))
        .values_list("ground")
        .annotate(n=Count("id"))
    }
    return s
