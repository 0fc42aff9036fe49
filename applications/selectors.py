"""Reads that pages and jobs need, shaped for them (one query per list, no lazy relations)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import access, decisions, steps, timeline
from core.models import DecisionKind

from .models import (
    PROVINCE_QUEUE_STATES,
    Application,
    ApplicationDocument,
    Bar,
    Batch,
    Condition,
    Hearing,
    HearingState,
    State,
)

LIST_FIELDS = (
    "id",
    "state",
    "created_at",
    "updated_at",
    "submitted_at",
    "last_submitted_at",
    "is_city_base",
    "is_industry_base",
    "recommender_kind",
    "batch__id",
    "batch__name",
    "batch__year",
    "batch__closes_on",
    "institution__id",
    "institution__name",
    "institution__type",
    "institution__type__name",
    "institution__region__name",
    "recommender_region__id",
    "recommender_region__hr_unit_name",
    "recommender_department__id",
    "recommender_department__name",
    "queue_rank",
    "queue_at",
)


def open_batches(today=None) -> QuerySet[Batch]:
    today = today or timezone.localdate()
    return Batch.objects.filter(closed_at=None, opens_on__lte=today, closes_on__gte=today).order_by("closes_on")


def batches_overview() -> QuerySet[Batch]:
    return Batch.objects.annotate(
        n_applications=Count("applications", filter=~Q(applications__state=State.DRAFT)),
        n_recommended=Count(
            "applications",
            filter=Q(
                applications__state__in=[
                    State.RECOMMENDED,
                    State.UNDER_REVIEW,
                    State.SITE_VISIT,
                    State.APPROVED,
                    State.REJECTED,
                ]
            ),
        ),
        n_approved=Count("applications", filter=Q(applications__state=State.APPROVED)),
        # what the page may offer (issue 15 (7)): a notice of those checked on site (notices.candidates), and
        # the publication of recognised bases not yet published (one base an application: no double count)
        n_candidates=Count(
            "applications",
            filter=Q(applications__state=State.SITE_VISIT, applications__site_visit__recorded_at__isnull=False),
        ),
        n_unpublished=Count(
            "applications", filter=Q(applications__base__isnull=False, applications__base__published_at=None)
        ),
    ).order_by("-year", "-opens_on")


def _list_queryset(user) -> QuerySet[Application]:
    return (
        access.visible(user, Application.objects.all())
        .select_related(
            "batch", "institution__region", "institution__type", "recommender_region", "recommender_department"
        )
        .only(*LIST_FIELDS)
    )


def institution_applications(user) -> QuerySet[Application]:
    return _list_queryset(user).order_by("-created_at")


@dataclass
class QueueFilters:
    batch: int | None = None
    state: str | None = None
    region: int | None = None
    department: int | None = None
    priority: bool = False
    q: str = ""

    def apply(self, qs):
        if self.batch:
            qs = qs.filter(batch_id=self.batch)
        if self.state:
            qs = qs.filter(state=self.state)
        if self.region:
            qs = qs.filter(recommender_region_id=self.region)
        if self.department:
            qs = qs.filter(recommender_department_id=self.department)
        if self.priority:
            qs = qs.filter(queue_rank=0)  # PRIORITY_Q, as stored
        if self.q:
            qs = qs.filter(Q(institution__name__icontains=self.q) | Q(institution__credit_code__iexact=self.q))
        return qs


RECOMMENDER_DEFAULT_STATES = [State.SUBMITTED]
PROVINCE_DEFAULT_STATES = PROVINCE_QUEUE_STATES
# Applicants that already run a city or industry base first (Art. 8(2): 优先遴选), then the longest waiting;
# stored columns, so the queues' indexes serve the order and keyset pages seek by it (issue 20).
QUEUE_ORDER = ("queue_rank", "queue_at", "id")


def _priority_first(qs):
    return qs.order_by(*QUEUE_ORDER)


def recommender_queue(user, filters: QueueFilters) -> QuerySet[Application]:
    """Applications routed to the recommender's own unit; waiting ones by default, priority first."""
    qs = _list_queryset(user)
    if not filters.state:
        qs = qs.filter(state__in=RECOMMENDER_DEFAULT_STATES)
    return _priority_first(filters.apply(qs))


def province_queue(user, filters: QueueFilters) -> QuerySet[Application]:
    """Applications across units that the province works on; recommended and later by default."""
    qs = _list_queryset(user).exclude(state=State.DRAFT)
    if not filters.state:
        qs = qs.filter(state__in=PROVINCE_DEFAULT_STATES)
    return _priority_first(filters.apply(qs))


def application_detail(user, pk) -> Application:
    return access.get_visible_or_404(
        user,
        Application.objects.select_related(
            "batch",
            "institution__region",
            "institution__type",
            "recommender_region",
            "recommender_department",
            "created_by",
        ).prefetch_related("training_fields"),
        pk=pk,
    )


def recognition_decision(app: Application):
    """The recognition decision (认定决定) of an approved application: it is about the base it created."""
    if not app.is_approved:
        return None
    try:
        subject = app.base
    except Application.base.RelatedObjectDoesNotExist:
        return None
    return next((d for d in decisions.of(subject) if d.kind == DecisionKind.RECOGNITION), None)


CONDITION_ORDER = {c.value: n for n, c in enumerate(Condition)}  # the order of Art. 7's items


def documents_of(app: Application, *, include_replaced: bool = True) -> list[ApplicationDocument]:
    qs = app.documents.select_related("uploaded_by").order_by("uploaded_at", "id")
    if not include_replaced:
        qs = qs.filter(replaced_at=None)
    return sorted(qs, key=lambda d: CONDITION_ORDER.get(d.condition, 99))


def visible_document(user, application_pk, document_pk) -> ApplicationDocument:
    return access.get_visible_or_404(
        user,
        ApplicationDocument.objects.select_related("application"),
        pk=document_pk,
        application_id=application_pk,
    )


def bars_in_force(today=None) -> QuerySet[Bar]:
    return (
        Bar.objects.blocking(today)
        .select_related("institution__region", "application__batch", "base")
        .order_by("-starts_on", "-id")
    )


# -- the step bar of an application (issue 15 (3)) ---------------------------------------------------------

APPLICATION_STEPS = ("申报", "推荐", "受理", "考察", "公示", "认定", "公布")
# The step each timeline action reaches (the first time it happened counts).
STEP_ACTIONS = {"submit": "申报", "recommend": "推荐", "start_review": "受理", "record_visit": "考察"}
ENDINGS = {
    State.NOT_RECOMMENDED: "不予推荐",
    State.REJECTED: "不予认定",
    State.WITHDRAWN: "已撤回",
}


def application_steps(app: Application) -> list:
    """申报 → 推荐 → 受理 → 考察 → 公示 → 认定 → 公布, each with the day it was reached (from the timeline,
    the public notice and the base), or where the application ended early."""
    reached = {}
    for action, day in timeline.days_of(
        app, actions=[*STEP_ACTIONS, "withdraw", "not_recommend", "reject", "reject_for_fraud"]
    ):
        reached.setdefault(STEP_ACTIONS.get(action, "end"), day)
    if app.submitted_at:
        reached.setdefault("申报", timezone.localtime(app.submitted_at).date())
    notice = app.notices.order_by("starts_on").first()
    notes = {}
    if notice is not None:
        reached["公示"] = notice.starts_on
        notes["公示"] = f"公示期至{notice.ends_on:%Y年%-m月%-d日}（{notice.working_days}个工作日）"
    base = getattr(app, "base", None) if app.state == State.APPROVED else None
    if base is not None:
        reached["认定"] = base.recognised_on
        if base.published_at:
            reached["公布"] = timezone.localtime(base.published_at).date()
    visit = getattr(app, "site_visit", None)
    if visit is not None and "考察" not in reached:
        notes["考察"] = f"定于{visit.scheduled_on:%Y年%-m月%-d日}"
    if app.state in (State.DRAFT, State.RETURNED):  # with the institution: the case starts again at 申报
        reached = {}
        notes["申报"] = f"申报截止{app.batch.closes_on:%Y年%-m月%-d日}"
    ended = (ENDINGS[app.state], reached.get("end")) if app.state in ENDINGS else None
    return steps.walk([(label, reached.get(label)) for label in APPLICATION_STEPS], ended=ended, notes=notes)


# -- the step bar of a hearing (issue 15 (2)) ---------------------------------------------------------------

HEARING_STEPS = ("告知", "陈述申辩", "作出决定")


def hearing_steps(hearing: Hearing) -> list:
    """告知 → 陈述申辩 → 作出决定 (SPEC 2.10; Art. 24), each with the day it was reached, the statement deadline
    (working days) on the defence, or where the province chose not to decide. Read from the hearing and its
    decision; a dropped hearing's day takes one timeline query."""
    dropped_on = None
    if hearing.state == HearingState.DROPPED:
        dropped_on = next((day for _, day in timeline.days_of(hearing, actions=["drop"])), None)
    note = f"截止{hearing.deadline:%Y年%-m月%-d日}（含当日，按工作日计算）"
    said = None
    if hearing.answered_at:
        said = timezone.localdate(hearing.answered_at)
    elif hearing.waived_at:
        said, note = timezone.localdate(hearing.waived_at), f"{note}；已放弃陈述申辩"
    elif hearing.deadline < (dropped_on or timezone.localdate()):
        # the deadline passed in silence: the party is taken to have waived its defence
        said, note = hearing.deadline, f"{note}；逾期未提出，视为放弃"
    decided = hearing.decision if hearing.state == HearingState.DECIDED else None
    notes = {"陈述申辩": note, "作出决定": decided.number if decided else ""}
    days = [("告知", hearing.notified_on), ("陈述申辩", said), ("作出决定", decided and decided.decided_on)]
    ended = ("不再作出决定", dropped_on) if hearing.state == HearingState.DROPPED else None
    return steps.walk(days, ended=ended, notes=notes)


def last_return(app: Application):
    """The return (by the recommender or the province) whose comment the edit page shows, while returned."""
    if not app.is_returned:
        return None
    return timeline.last_event(app, actions=["return_recommender", "return_province"])
