"""What each role's home page shows: its to-do list, every pending item it can act on, most urgent first."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Count, Q, Window
from django.urls import reverse
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
    Objection,
    State,
)
from bases import selectors as base_selectors
from bases.models import CHANGEABLE_FIELDS, Base, ChangeFilingState, FilingState
from core import access
from core.seek import bounded_counts, bounded_total
from experts import selectors as expert_selectors
from experts.models import AssignmentState
from supervision import selectors as supervision_selectors
from supervision.models import DUTY_ARTICLES, Duty, InspectionState, RectificationState, RequestState

# How many results not published in time the province's home page lists; the count covers them all.
UNPUBLISHED_SHOWN = 20

# How many items each section of a home page lists; the full list is one link away.
SHOWN = 8


# -- the shape of a to-do list ---------------------------------------------------------------------------
#
# Each section reads through its list page's own selector (the same scope, `access.visible`, and the same
# rows), takes the first SHOWN in order of urgency and counts them all in the same query with a window, so a
# home page runs a fixed number of queries whatever the number of items.


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, where it is done, its deadline (if any) and since when it has waited."""

    title: str
    url: str
    note: str = ""
    deadline: date | None = None
    since: date | None = None
    today: date | None = None
    done: bool = False  # a duty already fulfilled, shown so the user knows where it stands

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.today and not self.done and self.deadline < self.today)

    @property
    def days_left(self) -> int | None:
        return (self.deadline - self.today).days if self.deadline and self.today and not self.done else None

    @property
    def days_overdue(self) -> int | None:
        return (self.today - self.deadline).days if self.overdue else None

    @property
    def age(self) -> int | None:
        """Whole days it has waited."""
        return (self.today - self.since).days if self.since and self.today else None

    def urgency(self):
        """Earliest deadline first, then the longest waiting; fulfilled duties last."""
        return (self.done, self.deadline or date.max, self.since or date.max)


@dataclass(frozen=True)
class Section:
    """A heading, the first items, how many there are in all, where the full list is, and what an empty list
    means for the user (what happens next)."""

    key: str
    title: str
    items: list[Todo]
    total: int
    more_url: str = ""
    empty: str = ""
    as_of: datetime | None = None  # figures kept for a while (not counted for this page): when they were counted

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def _first(qs, limit=SHOWN) -> tuple[list, int]:
    """The first `limit` rows of `qs` and the number of all its rows, in one query."""
    rows = list(qs.annotate(todo_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].todo_total if rows else 0)


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _section(key, title, qs, todo, *, more_url="", empty="", total=None) -> Section:
    """`total`, when the caller knows it already, spares the window count: a queue's first rows then come
    straight from its index instead of counting (and sorting) every row (issue 20)."""
    if total is None:
        rows, total = _first(qs)
    else:
        rows = list(qs[:SHOWN])
    return Section(key, title, [todo(row) for row in rows], total, more_url, empty)


def _sorted(key, title, todos, *, more_url="", empty="") -> Section:
    todos = sorted(todos, key=Todo.urgency)
    return Section(key, title, todos[:SHOWN], len(todos), more_url, empty)


# -- the province --------------------------------------------------------------------------------------

# What the province does next with an application in its queue (Art. 8(4)).
PROVINCE_NEXT_STEP = {
    State.RECOMMENDED: "下一步：受理",
    State.UNDER_REVIEW: "下一步：审核材料，安排实地考察或退回",
    State.SITE_VISIT: "下一步：记录考察，公示期满后作出认定",
}


def _filings_to_file(user):
    # the filing queue's order for submitted filings (its "waiting first" is then the same for all), as the
    # index on (state, -year, submitted_at, id) reads it
    return base_selectors.filing_queue(user, base_selectors.FilingFilters(state=FilingState.SUBMITTED)).order_by(
        "-year", "submitted_at", "id"
    )


def _overdue_bases(today):
    return supervision_selectors.inspection_clock(today).filter(next_inspection_due__lt=today)


def _province_sections(user, today, counts) -> list[Section]:
    apps = _section(
        "applications",
        "待受理、审核、考察和认定的申报（第八条）",
        application_selectors.province_queue(user, application_selectors.QueueFilters()),
        lambda a: Todo(
            a.institution.name,
            reverse("applications:detail", args=[a.pk]),
            f"{a.batch.name} · {a.get_state_display()} · {PROVINCE_NEXT_STEP.get(a.state, '')}",
            since=_day(a.last_submitted_at or a.submitted_at),
            today=today,
        ),
        more_url=reverse("applications:province_queue"),
        empty="没有待办申报。推荐单位推荐后，申报会出现在这里。",
        total=bounded_total([counts[state] for state in application_selectors.PROVINCE_DEFAULT_STATES]),
    )
    objections = _section(
        "objections",
        "待处理的公示异议（第八条第四项）",
        access.visible(user, Objection.objects.filter(resolved_at=None))
        .select_related("application__institution", "notice")
        .only("id", "created_at", "application__id", "application__institution__name", "notice__title")
        .order_by("created_at", "id"),
        lambda o: Todo(
            o.application.institution.name,
            reverse("applications:detail", args=[o.application_id]),
            f"对「{o.notice.title}」的异议，处理后方可认定",
            since=_day(o.created_at),
            today=today,
        ),
        # objections are dealt with on the application's page; those under notice are in the queue
        more_url=reverse("applications:province_queue") + f"?state={State.SITE_VISIT}",
        empty="没有待处理的异议。公示期内收到的异议会出现在这里。",
    )
    filings = _section(
        "filings",
        "待备案的年度报告和计划（第十九条）",
        _filings_to_file(user),
        lambda f: Todo(
            f.base.name,
            reverse("bases:filing_detail", args=[f.pk]),
            f"{f.year}年度报告及{f.year + 1}年度计划" + ("（有提示）" if f.flags else ""),
            since=_day(f.submitted_at),
            today=today,
        ),
        more_url=reverse("bases:filing_queue") + "?state=submitted",
        empty="没有待备案的年度报告。基地报送后会出现在这里（每年12月31日前报送）。",
        total=counts["filings"],
    )
    changes = _section(
        "changes",
        "待备案的变更（第三十一条）",
        base_selectors.change_filings_for(user)
        .filter(state=ChangeFilingState.SUBMITTED)
        .order_by("submitted_at", "id"),
        lambda c: Todo(
            c.base.name,
            reverse("bases:change_detail", args=[c.pk]),
            "变更" + "、".join(CHANGEABLE_FIELDS.get(k, k) for k in c.changes),
            since=_day(c.submitted_at),
            today=today,
        ),
        more_url=reverse("bases:change_list"),
        empty="没有待备案的变更。基地提交变更备案后会出现在这里。",
    )
    cancellations = _section(
        "cancellations",
        "待决定的取消资格申请（第二十三条第二款第三项）",
        supervision_selectors.cancellation_requests_for(user)
        .filter(state=RequestState.SUBMITTED)
        .order_by("created_at", "id"),
        lambda r: Todo(
            r.base.name,
            reverse("supervision:cancellation", args=[r.pk]),
            f"{_requester(r)}申请取消",
            since=_day(r.created_at),
            today=today,
        ),
        more_url=reverse("supervision:cancellations"),
        empty="没有待决定的取消申请。",
    )
    reports = _section(
        "rectification_reports",
        "待核验的整改报告（第二十三条）",
        supervision_selectors.rectifications_for(user, state=RectificationState.REPORTED).order_by("reported_at", "id"),
        lambda r: Todo(
            r.base.name,
            reverse("supervision:rectification", args=[r.pk]),
            f"整改期限{r.deadline:%Y年%-m月%-d日}，已提交整改报告",
            since=_day(r.reported_at),
            today=today,
        ),
        more_url=reverse("supervision:rectifications") + "?state=reported",
        empty="没有待核验的整改报告。基地提交整改报告后会出现在这里。",
    )
    late = _section(
        "rectifications_late",
        "逾期未整改（第二十三条第一款）",
        supervision_selectors.rectifications_for(user, late_only=True),
        lambda r: Todo(
            r.base.name,
            reverse("supervision:rectification", args=[r.pk]),
            "整改期限已过仍未提交报告，可依法撤销资格",
            deadline=r.deadline,
            today=today,
        ),
        more_url=reverse("supervision:rectifications") + "?late=1",
        empty="没有逾期未整改的基地。",
    )
    recorded = _section(
        "inspections_recorded",
        "待确认的考核结果（第二十条）",
        supervision_selectors.inspections_for(
            user, supervision_selectors.InspectionFilters(state=InspectionState.RECORDED)
        ).order_by("recorded_at", "id"),
        lambda i: Todo(
            i.base.name,
            reverse("supervision:detail", args=[i.pk]),
            f"{i.get_kind_display()} · 已记录{i.get_result_display()}",
            since=_day(i.recorded_at),
            today=today,
        ),
        more_url=reverse("supervision:list") + "?state=recorded",
        empty="没有待确认的考核结果。考核记录提交后会出现在这里。",
    )
    overdue = _section(
        "inspections_overdue",
        "逾期未考核的基地（第二十条：至少每三年一次）",
        _overdue_bases(today),
        lambda b: Todo(
            b.name,
            reverse("supervision:schedule") + f"?base={b.pk}&kind=periodic",
            f"{b.register_number} · 安排定期考核",
            deadline=b.next_inspection_due,
            today=today,
        ),
        more_url=reverse("supervision:list"),
        empty="没有逾期未考核的基地。90天内到期的基地列在「考核与抽查」。",
        total=counts["inspections_overdue"],
    )
    return [overdue, late, objections, apps, reports, recorded, filings, changes, cancellations, _obligations(today)]


# The obligations brief is counted over every live base (each base's duties, from its filings and records): a
# few hundred ms at 1,000 bases, seconds at 10,000. The home shows a count at most this old; the monitor itself
# (the section's link) is always exact (issue 20).
OBLIGATIONS_BRIEF_SECONDS = 600


def obligation_counts_brief(today) -> tuple[dict, datetime]:
    """The obligation counts of `today`, counted at most OBLIGATIONS_BRIEF_SECONDS ago, and when they were."""
    return cache.get_or_set(
        f"home:obligations:v2:{today.isoformat()}",
        lambda: (supervision_selectors.obligation_counts(today), timezone.now()),
        OBLIGATIONS_BRIEF_SECONDS,
    )


def _obligations(today) -> Section:
    """The obligations monitor in brief (issue 18 (4)): per duty, how many live bases fail it or have it due;
    from the cache (obligation_counts_brief), else two queries (the calendar and the counts)."""
    monitor = reverse("supervision:obligations")
    counts, counted_at = obligation_counts_brief(today)
    items = [
        Todo(
            f"{Duty(duty).label}（{DUTY_ARTICLES[duty]}）",
            f"{monitor}?duty={duty}",
            f"{failing}个基地未履行" + (f"，{due}个即将到期" if due else ""),
        )
        if failing
        else Todo(f"{Duty(duty).label}（{DUTY_ARTICLES[duty]}）", f"{monitor}?duty={duty}", f"{due}个基地即将到期")
        for duty, (failing, due) in counts.items()
        if failing or due
    ]
    return Section(
        "obligations",
        "基地履职监测（第十六、十九、二十、二十一、二十九、三十一条）",
        items,
        len(items),
        monitor,
        "所有在册基地均已履行常规义务。",
        as_of=counted_at,
    )


def _requester(request) -> str:
    return Role(request.requester_role).label if request.requester_role in Role.values else request.requester_role


# -- the recommender -----------------------------------------------------------------------------------


def _recommender_sections(user, today, counts) -> list[Section]:
    waiting = _section(
        "applications",
        "待推荐的申报（优先遴选对象在前）",
        application_selectors.recommender_queue(user, application_selectors.QueueFilters()),
        lambda a: Todo(
            a.institution.name,
            reverse("applications:detail", args=[a.pk]),
            f"{a.batch.name}" + (" · 优先遴选对象（第八条第二项）" if a.is_priority else ""),
            since=_day(a.last_submitted_at or a.submitted_at),
            today=today,
        ),
        more_url=reverse("applications:recommender_queue"),
        empty="没有待推荐的申报。本单位负责推荐的机构提交申报后，会在此列出并通过站内消息通知。",
        total=bounded_total([counts[state] for state in application_selectors.RECOMMENDER_DEFAULT_STATES]),
    )
    cancellations = _section(
        "cancellations",
        "本单位申请取消、待省人社厅决定的基地",
        supervision_selectors.cancellation_requests_for(user)
        .filter(state=RequestState.SUBMITTED, requester_role=Role.RECOMMENDER)
        .order_by("created_at", "id"),
        lambda r: Todo(
            r.base.name,
            reverse("supervision:cancellation", args=[r.pk]),
            "待省人社厅决定",
            since=_day(r.created_at),
            today=today,
        ),
        more_url=reverse("supervision:cancellations"),
        empty="没有待决定的取消申请。",
    )
    rectifications = _section(
        "rectifications",
        "本单位推荐的基地正在整改（第二十三条）",
        supervision_selectors.rectifications_for(user).filter(
            state__in=[RectificationState.OPEN, RectificationState.REPORTED]
        ),
        lambda r: Todo(
            r.base.name,
            reverse("supervision:rectification", args=[r.pk]),
            r.get_state_display(),
            deadline=r.deadline if r.state == RectificationState.OPEN else None,
            since=_day(r.ordered_at),
            today=today,
        ),
        more_url=reverse("supervision:rectifications"),
        empty="本单位推荐的基地没有正在整改的。",
    )
    return [waiting, cancellations, rectifications]


# -- the inspector -------------------------------------------------------------------------------------


def _inspector_sections(user, today) -> list[Section]:
    tasks = _section(
        "inspections",
        "待考核的任务（第二十条）",
        supervision_selectors.inspections_for(
            user, supervision_selectors.InspectionFilters(state=InspectionState.SCHEDULED)
        ).order_by("scheduled_on", "id"),
        lambda i: Todo(
            i.base.name,
            reverse("supervision:detail", args=[i.pk]),
            f"{i.get_kind_display()} · {i.base.region.name} · 考核日期",
            deadline=i.scheduled_on,
            today=today,
        ),
        more_url=reverse("supervision:list") + "?state=scheduled",
        empty="暂无待考核的任务。省人社厅指派新的考核任务后，会在此列出并通过站内消息和邮件通知。",
    )
    return [tasks]


# -- the expert ----------------------------------------------------------------------------------------


def _expert_sections(user, today) -> list[Section]:
    seats = expert_selectors.assignments_for(user)
    waiting = _section(
        "declarations",
        "待声明的评审任务（第二十六条）",
        seats.filter(state=AssignmentState.DRAWN),
        lambda a: Todo(
            a.panel.case_label,
            reverse("experts:assignment", args=[a.pk]),
            f"{a.panel.get_purpose_display()} · 待声明：阅读声明后声明无利害关系，或申报利害关系、说明不能参加",
            deadline=a.declare_by,
            today=today,
        ),
        more_url=reverse("experts:assignments"),
        empty="没有待声明的评审任务。省人社厅抽取您参加评审后，会在此列出并通过站内消息和邮件通知。",
    )
    declared = _section(
        "declared",
        "已声明、可查阅材料的评审任务",
        seats.filter(state=AssignmentState.DECLARED),
        lambda a: Todo(
            a.panel.case_label,
            reverse("experts:assignment", args=[a.pk]),
            f"{a.panel.get_purpose_display()} · 被评审机构：{a.panel.institution.name}",
            today=today,
        ),
        more_url=reverse("experts:assignments"),
        empty="没有已声明的评审任务。",
    )
    return [waiting, declared]


# -- the institution and its base ----------------------------------------------------------------------

# What the institution does next with its application (Art. 8).
APPLICANT_NEXT_STEP = {
    State.DRAFT: "完善材料，在批次截止前提交",
    State.RETURNED: "按意见修改后重新提交",
    State.SUBMITTED: "等待推荐单位推荐",
    State.RECOMMENDED: "等待省人社厅受理",
    State.UNDER_REVIEW: "等待省人社厅审核",
    State.SITE_VISIT: "等待实地考察，公示期满后认定",
    State.APPROVED: "已认定为省级继续教育基地",
    State.REJECTED: "不予认定，可依法申请复议或诉讼",
    State.NOT_RECOMMENDED: "推荐单位不予推荐",
    State.WITHDRAWN: "已撤回",
}

FILING_DUTY = {
    None: "尚未开始填写",
    FilingState.DRAFT: "已开始填写，尚未提交",
    FilingState.RETURNED: "被省人社厅退回，请修改后重新提交",
    FilingState.SUBMITTED: "已提交，待省人社厅备案",
    FilingState.ACCEPTED: "已备案",
}


def _institution_duties(user, today, bases) -> Section:
    """The duties of the institution's live bases and their dates: the annual filing due 31 December
    (Art. 19), a returned change filing (Art. 31), a rectification deadline (Art. 23), the next periodic
    inspection (Art. 20)."""
    live = [b for b in bases if b.is_live]
    filings = {
        (f.base_id, f.year): f
        for f in base_selectors.filings_of_institution(user).filter(year__in=[today.year - 1, today.year])
    }
    todos = []
    for b in live:
        for year in (today.year - 1, today.year):
            if b.recognised_on.year > year:
                continue
            f = filings.get((b.pk, year))
            state = f.state if f else None
            if year < today.year and state in (FilingState.SUBMITTED, FilingState.ACCEPTED):
                continue  # last year's is done: nothing left to say
            editable = state in (None, FilingState.DRAFT, FilingState.RETURNED)
            if f is None:
                url = reverse("bases:filings")  # where it is started
            else:
                url = reverse("bases:filing_edit" if editable else "bases:filing_detail", args=[f.pk])
            todos.append(
                Todo(
                    f"{b.name}：{year}年度报告及{year + 1}年度计划",
                    url,
                    f"{FILING_DUTY[state]}（第十九条，每年12月31日前报送）",
                    deadline=date(year, 12, 31),
                    today=today,
                    done=not editable,
                )
            )
        if b.next_inspection_due:
            todos.append(
                Todo(
                    f"{b.name}：定期考核",
                    reverse("bases:detail", args=[b.pk]),
                    "至少每三年接受一次实地考核，由省人社厅安排（第二十条）",
                    deadline=b.next_inspection_due,
                    today=today,
                    done=True,  # the province schedules it: a date to know, not a step to take
                )
            )
    for r in supervision_selectors.rectifications_for(user, state=RectificationState.OPEN):
        todos.append(
            Todo(
                f"{r.base.name}：限期整改",
                reverse("supervision:rectification", args=[r.pk]),
                "整改期限内提交整改报告；逾期未报的，可依法撤销资格（第二十三条）",
                deadline=r.deadline,
                today=today,
            )
        )
    for c in base_selectors.change_filings_for(user).filter(state=ChangeFilingState.RETURNED):
        todos.append(
            Todo(
                f"{c.base.name}：变更备案被退回",
                reverse("bases:change_detail", args=[c.pk]),
                "按意见修改后重新报送（第三十一条）",
                since=_day(c.decided_at),
                today=today,
            )
        )
    return _sorted(
        "duties",
        "基地的义务和期限",
        todos,
        more_url=reverse("bases:mine"),
        empty="暂无基地义务。认定为省级继续教育基地后，年度报告、考核和整改的期限会在此列出。",
    )


def _institution_applications(apps, today) -> list:
    for a in apps:
        a.next_step = APPLICANT_NEXT_STEP.get(a.state, "")
        a.next_deadline = a.batch.closes_on if a.is_editable else None
    return apps


# -- the home page of each role ------------------------------------------------------------------------


def home_summary(user) -> dict:
    """What waits for the user on their home page."""
    today = timezone.localdate()
    if user.role == Role.INSTITUTION:
        apps = _institution_applications(list(application_selectors.institution_applications(user)[:10]), today)
        bases = list(Base.objects.filter(institution_id=user.institution_id).order_by("-recognised_on"))
        return {
            "today": today,
            "applications": apps,
            "open_batches": list(application_selectors.open_batches()),
            "bases": bases,
            "duties": _institution_duties(user, today, bases),
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
        counts = bounded_counts(
            {
                state: access.visible(user, Application.objects.filter(state=state))
                for state in application_selectors.RECOMMENDER_DEFAULT_STATES
            }
        )
        return {
            "waiting": counts.get(State.SUBMITTED, 0),
            "counts": counts,
            "sections": _recommender_sections(user, today, counts),
        }
    if user.role == Role.INSPECTOR:
        return {"sections": _inspector_sections(user, today)}
    if user.role == Role.EXPERT:
        return {"sections": _expert_sections(user, today)}
    if user.role == Role.PROVINCE:
        # the figures and the longest lists' totals, each counted up to a bound, in one query (issue 20)
        counts = bounded_counts(
            {
                **{
                    state: Application.objects.filter(state=state)
                    for state in application_selectors.PROVINCE_DEFAULT_STATES
                },
                "filings": _filings_to_file(user),
                "inspections_overdue": _overdue_bases(today),
            }
        )
        unpublished = supervision_selectors.unpublished_results(today)
        return {
            "unpublished_results": unpublished[:UNPUBLISHED_SHOWN],
            # the party has been heard: the province may now decide (SPEC 2.10)
            "hearings_ready": list(
                Hearing.objects.filter(
                    Q(state__in=[HearingState.ANSWERED, HearingState.WAIVED])
                    | Q(state=HearingState.OPEN, deadline__lt=today)
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
            "sections": _province_sections(user, today, counts),
        }
    return {}
