"""Reads of the expert pool and its panels, shaped for their pages: the pool with its filters, an expert's
seats, and each panel's draws with the experts they name (the audit view of Art. 26)."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Q, QuerySet, Value, When

from core import access

from .models import SEATED, Assignment, AssignmentState, Draw, Expert, Panel, Tie
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
    """Every seat the expert was drawn for, newest first (their review history)."""
    return list(expert.assignments.select_related("panel__institution").order_by("-panel__created_at", "-id"))


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
