"""What each role's home page shows: the work waiting for the user."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role
from applications import selectors as application_selectors
from applications.models import (
    IN_PROGRESS,
    Application,
    Bar,
    FraudReport,
    FraudReportState,
    Hearing,
    HearingState,
    State,
)
from bases.models import Base
from core import access
from supervision import selectors as supervision_selectors

# How many results not published in time the province's home page lists; the count covers them all.
UNPUBLISHED_SHOWN = 20


def home_summary(user) -> dict:
    """What waits for the user on their home page."""
    if user.role == Role.INSTITUTION:
        apps = list(application_selectors.institution_applications(user)[:10])
        return {
            "applications": apps,
            "open_batches": list(application_selectors.open_batches()),
            "bases": list(Base.objects.filter(institution_id=user.institution_id).order_by("-recognised_on")),
            "bars": list(Bar.objects.filter(institution_id=user.institution_id).blocking()),
            # notices of intended decisions still open to its defence (SPEC 2.10)
            "hearings": list(
                Hearing.objects.filter(institution_id=user.institution_id, state=HearingState.OPEN).select_related(
                    "notice"
                )
            ),
            "has_in_progress": any(a.state in IN_PROGRESS for a in apps),
        }
    if user.role == Role.RECOMMENDER:
        counts = dict(access.visible(user, Application.objects.all()).values_list("state").annotate(n=Count("id")))
        return {
            "waiting": counts.get(State.SUBMITTED, 0),
            "counts": counts,
            "recent": list(application_selectors.recommender_queue(user, application_selectors.QueueFilters())[:10]),
        }
    if user.role == Role.PROVINCE:
        counts = dict(Application.objects.values_list("state").annotate(n=Count("id")))
        unpublished = supervision_selectors.unpublished_results(timezone.localdate())
        return {
            "unpublished_results": unpublished[:UNPUBLISHED_SHOWN],
            # the party has been heard: the province may now decide (SPEC 2.10)
            "hearings_ready": list(
                Hearing.objects.filter(
                    Q(state__in=[HearingState.ANSWERED, HearingState.WAIVED])
                    | Q(state=HearingState.OPEN, deadline__lt=timezone.localdate())
                )
                .select_related("notice")
                .order_by("deadline", "id")[:UNPUBLISHED_SHOWN]
            ),
            "fraud_reports": list(
                FraudReport.objects.filter(state=FraudReportState.SUBMITTED)
                .select_related("application__institution")
                .order_by("created_at", "id")[:UNPUBLISHED_SHOWN]
            ),
            "unpublished_count": len(unpublished),
            "counts": counts,
            "to_review": counts.get(State.RECOMMENDED, 0),
            "under_review": counts.get(State.UNDER_REVIEW, 0),
            "site_visits": counts.get(State.SITE_VISIT, 0),
            "open_batches": list(application_selectors.open_batches()),
            "bases_active": Base.objects.live().count(),
            "recent": list(application_selectors.province_queue(user, application_selectors.QueueFilters())[:10]),
        }
    return {}
