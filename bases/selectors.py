"""Reads of bases for the signed-in sides (the public register arrives with its own selectors)."""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from core import access, steps, timeline

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


# -- the step bar of an annual filing (issue 15 (2)) -------------------------------------------------------

FILING_STEPS = ("填报", "报送", "备案")
RETURNED_STEP = "退回修改"


def filing_steps(filing: AnnualFiling) -> list[steps.Step]:
    """填报 → 报送 → 备案 (Art. 19), each with the day it was reached (one timeline query); a returned filing
    is at 退回修改, and the step under way before submission carries the 31 December deadline."""
    reached, returned_on = {}, None
    for action, day in timeline.days_of(filing, actions=["create", "submit", "return", "accept"]):
        if action == "create":
            reached.setdefault("填报", day)
        elif action == "submit":
            reached["报送"] = day  # the latest submission is the one before the province
        elif action == "return":
            returned_on = day
        else:
            reached["备案"] = day
    # A filing stored without these events keeps its own times; one the overdue job opened has no 填报 of
    # the institution's, until it is submitted.
    if "报送" not in reached and filing.submitted_at and filing.state != FilingState.DRAFT:
        reached["报送"] = timezone.localdate(filing.submitted_at)
    if "备案" not in reached and filing.state == FilingState.ACCEPTED and filing.decided_at:
        reached["备案"] = timezone.localdate(filing.decided_at)
    if "填报" not in reached and "报送" in reached:
        reached["填报"] = timezone.localdate(filing.created_at)
    labels = list(FILING_STEPS)
    notes = {"报送": "逾期报送"} if filing.filed_late else {}
    if filing.state == FilingState.RETURNED:
        labels.insert(2, RETURNED_STEP)
        notes[RETURNED_STEP] = "请按退回意见修改后重新报送"
    days = [(label, reached.get(label)) for label in labels]
    under_way = next((label for label, day in days if day is None), None)
    if under_way in ("填报", "报送"):
        notes[under_way] = f"报送期限{filing.year}年12月31日（第十九条）" + ("，已逾期" if filing.is_overdue else "")
    # the returned filing's current step is dated the day it came back
    return [replace(s, on=returned_on) if s.label == RETURNED_STEP else s for s in steps.walk(days, notes=notes)]


def last_return(filing):
    """The province's return whose comment the edit page shows, while the filing is back for changes."""
    if not filing.was_returned:
        return None
    return timeline.last_event(filing, actions=["return"])
