"""Reads for the supervision pages and jobs, shaped for one list query each."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, IntegerField, QuerySet, Value, When

from bases.models import Base
from core import access

from .models import CancellationRequest, Inspection, RectificationOrder, RectificationState, RequestState, SpotCheckDraw
from .services import DUE_SOON_DAYS


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
    """Live bases by their next periodic inspection's due date: overdue first, then due within 90 days."""
    return (
        Base.objects.live()
        .filter(next_inspection_due__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("region")
        .only("id", "name", "register_number", "next_inspection_due", "region__name", "status", "recognised_on")
        .order_by("next_inspection_due", "id")
    )


def inspection_detail(user, pk) -> Inspection:
    return access.get_visible_or_404(
        user, Inspection.objects.select_related("base__region", "base__institution", "inspector_unit", "draw"), pk=pk
    )


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
    return Base.objects.live().order_by("year", "sequence")
