"""Reads of the expert pool and its panels, shaped for their pages: the pool with its filters, an expert's
seats, each panel's draws with the experts they name (the audit view of Art. 26), and the experts' scored forms
with the panel's aggregate."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Case, Count, Max, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from core import access

from .models import (
    SEATED,
    Assignment,
    AssignmentState,
    Draw,
    Expert,
    Panel,
    ScoreRow,
    ScoreSheet,
    SheetState,
    Tie,
    Verdict,
)
from .services import replay


@dataclass
class ExpertFilters:
    q: str = ""
    region: int | None = None
    active: bool | None = None

    def apply(self, qs):
        if self.q:
            qs = qs.filter(
                Q(name__icontains=self.q)
                | Q(employer__icontains=self.q)
                | Q(fields__icontains=self.q)
                | Q(employer_institution__name__icontains=self.q)
            )
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.active is not None:
            qs = qs.filter(active=self.active)
        return qs


def experts(user, filters: ExpertFilters) -> QuerySet[Expert]:
    """The pool as the province searches it, with the number of seats each expert holds now."""
    qs = access.visible(user, Expert.objects.all())
    return (
        filters.apply(qs)
        .select_related("region", "employer_institution", "user")
        .annotate(seats=Count("assignments", filter=Q(assignments__state__in=SEATED)))
        .order_by("id")
    )


def ties_of(expert: Expert) -> list[Tie]:
    return list(expert.ties.select_related("institution").order_by("ended_on", "id"))


def seats_of(expert: Expert) -> list[Assignment]:
    """Every seat the expert was drawn for, newest first (their review history), each with `sheet`: the submitted
    version of their scored form that counts, with its rows' `total` and `mean`, or None (two queries)."""
    submitted = Prefetch(
        "sheets",
        queryset=ScoreSheet.objects.filter(state=SheetState.SUBMITTED).annotate(
            total=Sum("rows__score"), mean=Avg("rows__score")
        ),
        to_attr="submitted_sheets",
    )
    seats = list(
        expert.assignments.select_related("panel__institution")
        .prefetch_related(submitted)
        .order_by("-panel__created_at", "-id")
    )
    for seat in seats:  # a seat has one submitted version at most: a correction supersedes the one before
        seat.sheet = seat.submitted_sheets[0] if seat.submitted_sheets else None
    return seats


@dataclass
class WorkloadFilters:
    year: int
    region: int | None = None
    field: str = ""
    active: bool | None = None

    def apply(self, qs):
        if self.region:
            qs = qs.filter(region_id=self.region)
        if self.field:
            qs = qs.filter(fields__icontains=self.field)
        if self.active is not None:
            qs = qs.filter(active=self.active)
        return qs


def workload(user, filters: WorkloadFilters) -> QuerySet[Expert]:
    """Every expert of the pool (those never drawn too) with the seats they were drawn for in the year (by the
    draw's date, Asia/Shanghai), counted by what became of them; the seats whose scored form was submitted; and
    the last time they declared themselves free of conflict and took a seat. One query, whatever the pool's
    size; the most drawn first."""
    start = timezone.make_aware(datetime(filters.year, 1, 1))
    end = timezone.make_aware(datetime(filters.year + 1, 1, 1))
    in_year = Q(assignments__draw__drawn_at__gte=start, assignments__draw__drawn_at__lt=end)

    def seats(state):
        return Count("assignments", filter=in_year & Q(assignments__state=state), distinct=True)

    qs = filters.apply(access.visible(user, Expert.objects.all()))
    return (
        qs.select_related("region")
        .annotate(
            drawn=Count("assignments", filter=in_year, distinct=True),
            waiting=seats(AssignmentState.DRAWN),
            declared=seats(AssignmentState.DECLARED),
            conflicts=seats(AssignmentState.CONFLICT),
            refused=seats(AssignmentState.REFUSED),
            withdrawn=seats(AssignmentState.WITHDRAWN),
            sheets_submitted=Count(
                "assignments__sheets",
                filter=in_year & Q(assignments__sheets__state=SheetState.SUBMITTED),
                distinct=True,
            ),
            last_served=Max(
                "assignments__declared_at", filter=in_year & Q(assignments__state=AssignmentState.DECLARED)
            ),
        )
        .order_by("-drawn", "id")
    )


def assignments_for(user) -> QuerySet[Assignment]:
    """The seats the user may see (an expert: their own), those waiting for a declaration first, the earliest
    deadline first."""
    waiting_first = Case(When(state=AssignmentState.DRAWN, then=Value(0)), default=Value(1))
    return (
        access.visible(user, Assignment.objects.all())
        .select_related("panel__institution__region", "expert")
        .order_by(waiting_first, "declare_by", "-id")
    )


def assignment_detail(user, pk) -> Assignment:
    qs = Assignment.objects.select_related("panel__institution__region", "expert", "draw")
    return access.get_visible_or_404(user, qs, pk=pk)


def panels(user) -> QuerySet[Panel]:
    return (
        access.visible(user, Panel.objects.all())
        .select_related("institution")
        .annotate(seated=Count("assignments", filter=Q(assignments__state__in=SEATED)))
        .order_by("-created_at", "-id")
    )


@dataclass
class DrawAudit:
    """One draw as the audit page shows it: the experts behind every stored id, and whether drawing again from
    the stored seed and candidates gives the same experts (复核抽取)."""

    draw: Draw
    reproduced: bool
    considered: list[Expert] = field(default_factory=list)
    exclusions: list[tuple[Expert, str]] = field(default_factory=list)
    candidates: list[Expert] = field(default_factory=list)
    drawn: list[Expert] = field(default_factory=list)


def panel_audit(panel: Panel) -> list[DrawAudit]:
    """Every draw of the panel, oldest first, in two queries whatever their number."""
    draws = list(panel.draws.select_related("drawn_by", "replaces__expert").order_by("id"))
    ids = set()
    for d in draws:
        ids.update(d.considered_ids, d.candidate_ids, d.drawn_ids, (row[0] for row in d.exclusions))
    by_id = Expert.objects.select_related("region").in_bulk(ids)

    def named(found):
        return [by_id[i] for i in found if i in by_id]

    return [
        DrawAudit(
            draw=d,
            reproduced=replay(d),
            considered=named(d.considered_ids),
            exclusions=[(by_id[i], reason) for i, reason in d.exclusions if i in by_id],
            candidates=named(d.candidate_ids),
            drawn=named(d.drawn_ids),
        )
        for d in draws
    ]


def seats(panel: Panel, user) -> list[Assignment]:
    """The panel's seats, bound to the user so the page may ask `can` of each without more queries."""
    return access.bind(user, list(panel.assignments.select_related("expert__region", "draw").order_by("draw_id", "id")))


# -- scored forms ----------------------------------------------------------------------------------------

SHEET_ROWS = Prefetch("rows", queryset=ScoreRow.objects.order_by("position"))


def seat_sheets(assignment: Assignment, user) -> list[ScoreSheet]:
    """Every version of the seat's scored form, newest first, with its rows and files (three queries)."""
    sheets = list(assignment.sheets.prefetch_related(SHEET_ROWS, "documents").order_by("-version"))
    for sheet in sheets:
        sheet.assignment = assignment
    return access.bind(user, sheets)


def sheet_detail(user, pk) -> ScoreSheet:
    qs = ScoreSheet.objects.select_related("assignment__panel__institution", "assignment__expert").prefetch_related(
        SHEET_ROWS, "documents"
    )
    return access.get_visible_or_404(user, qs, pk=pk)


@dataclass
class ExpertSheets:
    """One expert's scored form on a panel as the province reads it: the version that counts (the latest
    submitted), and the earlier ones it corrected."""

    assignment: Assignment
    latest: ScoreSheet | None
    earlier: list[ScoreSheet] = field(default_factory=list)
    drafting: bool = False  # a correction (or a first version) is being drafted


def panel_sheets(panel: Panel, user) -> list[ExpertSheets]:
    """The scored forms of every expert declared on the panel, in seat order (three queries)."""
    seats = list(
        panel.assignments.filter(state=AssignmentState.DECLARED).select_related("expert").order_by("draw_id", "id")
    )
    sheets = access.bind(
        user,
        list(
            ScoreSheet.objects.filter(assignment__in=seats)
            .prefetch_related(SHEET_ROWS)
            .order_by("assignment_id", "-version")
        ),
    )
    by_seat: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_seat.setdefault(sheet.assignment_id, []).append(sheet)
    found = []
    for seat in seats:
        versions = by_seat.get(seat.pk, [])
        for sheet in versions:
            sheet.assignment = seat
        submitted = [s for s in versions if s.state != SheetState.DRAFT]
        found.append(
            ExpertSheets(
                assignment=seat,
                latest=submitted[0] if submitted and submitted[0].state == SheetState.SUBMITTED else None,
                earlier=submitted[1:],
                drafting=any(s.state == SheetState.DRAFT for s in versions),
            )
        )
    return found


TWO_PLACES = Decimal("0.01")
# On a tie the stricter verdict is the panel's: 不符合 before 基本符合 before 符合.
STRICTNESS = [Verdict.FAILS, Verdict.PARTLY, Verdict.MEETS]


@dataclass
class ItemAggregate:
    """The panel's view of one condition or item: every expert's score and verdict, their mean and range, and
    whether the experts differ by more than the set margin (a dissent)."""

    code: str
    label: str
    article: str
    scores: list[tuple[str, Decimal, str]]  # (expert, score, verdict label)
    mean: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    spread: Decimal | None = None
    dissent: bool = False
    verdict: str = ""  # the panel's (the majority's) verdict
    verdict_counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label if self.verdict else ""


@dataclass
class PanelAggregate:
    """The panel's conclusion from the latest submitted form of each expert declared on it."""

    items: list[ItemAggregate]
    experts: list[str]
    declared: int
    scale: int
    margin: int
    mean: Decimal | None = None  # over the items' means
    total: Decimal | None = None  # the sum of the items' means
    dissents: int = 0

    @property
    def complete(self) -> bool:
        return bool(self.experts) and len(self.experts) == self.declared

    @property
    def dissent_labels(self) -> list[str]:
        return [item.label for item in self.items if item.dissent]


def _two(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def panel_aggregate(panel: Panel) -> PanelAggregate:
    """Per item: the mean, lowest, highest and range of the experts' scores, their verdicts and the majority's,
    with a dissent when the range exceeds EXPERT_DISSENT_MARGIN; overall, the mean of the items' means. Only the
    latest submitted version of each declared expert's form counts (three queries, whatever the panel's size)."""
    margin = settings.EXPERT_DISSENT_MARGIN
    sheets = list(
        ScoreSheet.objects.filter(
            assignment__panel=panel,
            assignment__state=AssignmentState.DECLARED,
            state=SheetState.SUBMITTED,
        )
        .select_related("assignment__expert")
        .prefetch_related(SHEET_ROWS)
        .order_by("assignment__draw_id", "assignment_id")
    )
    declared = panel.assignments.filter(state=AssignmentState.DECLARED).count()
    items = [
        ItemAggregate(code=str(code), label=label, article=article or "", scores=[])
        for code, label, article in panel.items
    ]
    by_code = {item.code: item for item in items}
    verdicts: dict[str, list[str]] = {item.code: [] for item in items}
    for sheet in sheets:
        for row in sheet.rows.all():
            item = by_code.get(row.code)
            if item is None or row.score is None:
                continue
            item.scores.append((sheet.assignment.expert.name, row.score, row.get_verdict_display()))
            if row.verdict:
                verdicts[row.code].append(row.verdict)
    for item in items:
        if not item.scores:
            continue
        values = [score for _, score, _ in item.scores]
        item.mean = _two(sum(values) / len(values))
        item.low, item.high = min(values), max(values)
        item.spread = item.high - item.low
        item.dissent = item.spread > margin
        counted = Counter(verdicts[item.code])
        item.verdict_counts = [(Verdict(v).label, counted[v]) for v in STRICTNESS if counted[v]]
        if counted:
            top = max(counted.values())
            item.verdict = next(v for v in STRICTNESS if counted[v] == top)
    means = [item.mean for item in items if item.mean is not None]
    return PanelAggregate(
        items=items,
        experts=[sheet.assignment.expert.name for sheet in sheets],
        declared=declared,
        scale=settings.EXPERT_SCORE_MAX,
        margin=margin,
        mean=_two(sum(means) / len(means)) if means else None,
        total=_two(sum(means)) if means else None,
        dissents=sum(1 for item in items if item.dissent),
    )


def panel_of(case) -> Panel | None:
    """The panel drawn for a case (a site visit, an inspection), if one was."""
    return Panel.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).first()


def panel_conclusion(case) -> str:
    """The expert panel's conclusion as a decision states it (Art. 26): who scored, the mean, the majority
    verdicts and any dissent; "" when the case had no panel or no expert has submitted a form."""
    panel = panel_of(case)
    if panel is None:
        return ""
    result = panel_aggregate(panel)
    if not result.experts:
        return ""
    majority = Counter(Verdict(item.verdict).label for item in result.items if item.verdict)
    verdicts = "、".join(
        f"{label}{majority[label]}项" for label in (Verdict(v).label for v in STRICTNESS[::-1]) if majority[label]
    )
    text = (
        f"评审专家组{len(result.experts)}名专家（{'、'.join(result.experts)}）对{len(result.items)}个评审项目逐项评分，"
        f"各项平均{result.mean}分（满分{result.scale}分）" + (f"，多数意见{verdicts}" if verdicts else "")
    )
    dissent = [item.label for item in result.items if item.dissent]
    if dissent:
        text += f"；{'、'.join(dissent)}专家意见分歧较大（分差超过{result.margin}分）"
    if not result.complete:
        text += f"；另有{result.declared - len(result.experts)}名专家未提交评分"
    return text + "。"


def case_panel(case) -> Panel | None:
    """The panel of a case as the case's page shows it to the province: its seats with their experts, in the
    order drawn (two queries), or None before it is formed."""
    seats = Prefetch("assignments", queryset=Assignment.objects.select_related("expert").order_by("draw_id", "id"))
    return (
        Panel.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)
        .prefetch_related(seats)
        .first()
    )


def has_panel(case) -> bool:
    return Panel.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).exists()
