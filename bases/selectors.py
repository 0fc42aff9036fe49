"""Reads of bases for the signed-in sides (the public register arrives with its own selectors)."""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from applications.models import Degree
from core import access, steps, timeline

from .models import (
    Adjustment,
    AnnualFiling,
    Base,
    ChangeFiling,
    Course,
    CoursewareReview,
    FilingState,
    ReviewResult,
    Teacher,
)

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
    "institution_type__name",
    "batch__name",
)


# Newest recognised first; (year, sequence) is unique and indexed, so keyset pages seek by it (issue 20).
BASE_LIST_ORDER = ("-year", "-sequence")


def bases_for(user) -> QuerySet[Base]:
    return (
        access.visible(user, Base.objects.all())
        .select_related("region", "batch", "institution_type")
        .only(*LIST_FIELDS)
        .order_by(*BASE_LIST_ORDER)
    )


def base_detail(user, pk) -> Base:
    return access.get_visible_or_404(
        user,
        Base.objects.select_related("institution", "region", "batch", "application", "institution_type", "merged_into"),
        pk=pk,
    )


def adjustment_history(base: Base) -> list[Adjustment]:
    """The base's adjustments and merger, newest first, with their decisions: its register history (Art. 4)."""
    return list(base.adjustments.select_related("decision", "merged_into").order_by("-effective_on", "-id"))


def merge_targets(base: Base) -> QuerySet[Base]:
    """The live bases another may be merged into (Art. 4)."""
    return Base.objects.live().exclude(pk=base.pk).only("id", "name", "register_number").order_by("year", "sequence")


def adjustable_fields(base: Base):
    """The fields an adjustment may choose: those in use, and those the base already has (Art. 3)."""
    from accounts.models import TrainingField

    return TrainingField.objects.filter(Q(retired_on__isnull=True) | Q(bases=base)).distinct()


def adjustable_kinds(base: Base):
    """The institution kinds an adjustment may choose: those in use, and the base's own (Art. 3)."""
    from accounts.models import InstitutionKind

    return InstitutionKind.objects.filter(Q(retired_on__isnull=True) | Q(code=base.institution_type_id))


def building_units():
    """The institutions a base's building unit may become (Art. 4, 5)."""
    from accounts.models import Institution

    return Institution.objects.only("id", "name", "credit_code").order_by("name")


def own_base(user) -> Base | None:
    """The institution's one live base (the newest, should it have had several); None when it has none."""
    return access.visible(user, Base.objects.live()).order_by("-recognised_on", "-id").first()


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


# -- the faculty pool and the courseware log (Art. 16, 18) -------------------------------------------------


def faculty_pool(user, base: Base) -> list[Teacher]:
    """The base's teachers, those in the pool first, bound to the viewer so the page asks `can` without queries."""
    return access.bind(user, list(base.teachers.order_by(F("active_to").asc(nulls_first=True), "name", "id")))


def faculty_changes(base: Base, *, limit: int = 20) -> list["Change"]:
    """The latest changes to the base's pool, newest first: when, who, what, and the teacher's name."""
    records = Teacher.history.filter(base_id=base.pk).select_related("history_user")
    return [
        Change(r.history_date, _who(r), r.history_change_reason or CHANGE_KINDS.get(r.history_type, ""), [r.name])
        for r in records.order_by("-history_date", "-history_id")[:limit]
    ]


def _who(record) -> str:
    return record.history_user.display_name if record.history_user else "系统"


@dataclass(frozen=True)
class Change:
    when: object
    who: str
    what: str
    lines: list[str]


CHANGE_KINDS = {"+": "新增", "~": "修改", "-": "删除"}


def teacher_history(teacher: Teacher) -> list[Change]:
    """A teacher's history, newest first, each change with the fields that moved (old → new)."""
    records = list(teacher.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: f.verbose_name for f in Teacher._meta.fields}
    changes, previous = [], None
    for record in records:
        lines = []
        if previous is not None:
            for delta in record.diff_against(previous).changes:
                old, new = (_shown(record, delta.field, v) for v in (delta.old, delta.new))
                lines.append(f"{labels.get(delta.field, delta.field)}：{old} → {new}")
        what = record.history_change_reason or CHANGE_KINDS.get(record.history_type, "")
        changes.append(Change(record.history_date, _who(record), what, lines))
        previous = record
    return changes[::-1]


def _shown(record, name, value) -> str:
    if value in (None, ""):
        return "（空）"
    if name == "degree":
        return dict(Degree.choices).get(value, value)
    if name == "full_time":
        return "专职" if value else "兼职"
    if isinstance(value, date):
        return f"{value:%Y年%-m月%-d日}"
    return str(value)


@dataclass(frozen=True)
class FacultyAtInspection:
    """The pool as an inspection of 师资队伍建设情况 sees it (Art. 20): who is in it on the day, who joined and
    who left since the previous inspection (or the recognition), and who is below a bachelor's degree."""

    since: date
    until: date
    teachers: list
    added: list
    ended: list

    @property
    def below_bachelor(self) -> list:
        return [t for t in self.teachers if t.below_bachelor]


def faculty_at_inspection(*, base_id, since: date, until: date) -> FacultyAtInspection:
    """From the history: teachers entered after `since` up to `until`, and those whose end date falls in
    that period; the pool itself as it stood on `until` (entered by then, not left before)."""
    teachers = list(
        Teacher.objects.filter(base_id=base_id, active_from__lte=until)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=until))
        .order_by("name", "id")
    )
    added = list(
        Teacher.history.filter(
            base_id=base_id, history_type="+", history_date__date__gt=since, history_date__date__lte=until
        ).order_by("history_date")
    )
    ended = list(
        Teacher.objects.filter(base_id=base_id, active_to__gt=since, active_to__lte=until).order_by("active_to")
    )
    return FacultyAtInspection(since, until, teachers, added, ended)


def courseware_log(user, base: Base) -> list[Course]:
    """The base's courses with their reviews (newest first), two queries however long the log."""
    reviews = Prefetch("reviews", queryset=CoursewareReview.objects.order_by("-reviewed_on", "-id"))
    return access.bind(user, list(base.courses.prefetch_related(reviews).order_by("-updated_on", "-id")))


@dataclass(frozen=True)
class CoursewareAtInspection:
    """The log for the period under inspection (Art. 20: 课件更新情况, 课件及意识形态审核情况)."""

    since: date
    until: date
    updated: list
    reviews: list

    @property
    def failed(self) -> list:
        return [r for r in self.reviews if r.result == ReviewResult.FAILED]


def courseware_at_inspection(*, base_id, since: date, until: date) -> CoursewareAtInspection:
    updated = list(
        Course.objects.filter(base_id=base_id, updated_on__gt=since, updated_on__lte=until).order_by("-updated_on")
    )
    reviews = list(
        CoursewareReview.objects.filter(course__base_id=base_id, reviewed_on__gt=since, reviewed_on__lte=until)
        .select_related("course")
        .order_by("-reviewed_on", "-id")
    )
    return CoursewareAtInspection(since, until, updated, reviews)
