"""Reads of bases for the signed-in sides (the public register arrives with its own selectors)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from core import access

from .models import AnnualFiling, Base, ChangeFiling, FilingState

LIST_FIELDS = (
    "id",
    "name",
    "register_number",
    "recognised_on",
    "status",
    "year",
    "sequence",
    "fields",
    "region__name",
    "institution_type",
    "batch__name",
)


def bases_for(user) -> QuerySet[Base]:
    return (
        access.visible(user, Base.objects.all())
        .select_related("region", "batch")
        .only(*LIST_FIELDS)
        .order_by("-year", "-sequence")
    )


def base_detail(user, pk) -> Base:
    return access.get_visible_or_404(
        user, Base.objects.select_related("institution", "region", "batch", "application"), pk=pk
    )


# -- the public side ---------------------------------------------------------------------------------


def change_filings_for(user) -> QuerySet[ChangeFiling]:
    return access.visible(user, ChangeFiling.objects.all()).select_related("base").order_by("-submitted_at", "-id")


# -- annual filings (Art. 19) ------------------------------------------------------------------------------


@dataclass
class FilingFilters:
    year: int | None = None
    state: str = ""
    region: int | None = None
    flagged: bool = False
    overdue: bool = False


def filing_queue(user, filters: FilingFilters) -> QuerySet[AnnualFiling]:
    qs = access.visible(user, AnnualFiling.objects.all()).select_related("base__region")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    else:
        qs = qs.exclude(state=FilingState.DRAFT, overdue_marked_at=None)
    if filters.region:
        qs = qs.filter(base__region_id=filters.region)
    if filters.flagged:
        qs = qs.flagged()
    if filters.overdue:
        qs = qs.filter(overdue_marked_at__isnull=False)
    order = Case(When(state=FilingState.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(waiting=order).order_by("waiting", "-year", "submitted_at", "id")


def filings_of_institution(user) -> QuerySet[AnnualFiling]:
    return access.visible(user, AnnualFiling.objects.all()).select_related("base").order_by("-year", "base_id")


def filing_detail(user, pk) -> AnnualFiling:
    return access.get_visible_or_404(
        user, AnnualFiling.objects.select_related("base__region", "base__institution"), pk=pk
    )


def year_overview(year: int, today) -> QuerySet[Base]:
    """Every base that must file for `year`, with its filing's state, submission time and overdue mark."""
    filing = AnnualFiling.objects.filter(base=OuterRef("pk"), year=year)
    return (
        Base.objects.live()
        .filter(recognised_on__lte=min(today, date(year, 12, 31)))
        .select_related("region")
        .only("id", "name", "register_number", "year", "sequence", "region__name", "status")
        .annotate(
            filing_id=Subquery(filing.values("id")[:1]),
            filing_state=Subquery(filing.values("state")[:1]),
            filing_submitted_at=Subquery(filing.values("submitted_at")[:1]),
            filing_overdue=Subquery(filing.values("overdue_marked_at")[:1]),
        )
        .order_by("year", "sequence")
    )
