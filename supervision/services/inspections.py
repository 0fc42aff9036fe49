"""Inspections (Art. 20-22): scheduling, the result, its confirmation and publication, the 3-year clock."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import selectors as people
from accounts.models import InspectorUnit, User
from bases.models import Announcement, AnnouncementKind, Base
from bases.services.publishing import Draft, check_confirmed
from core import access, events
from core.errors import RuleViolation
from core.notifications import notify_each
from core.periods import last_day_of_years
from core.workflow import perform

from ..models import (
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionState,
    Item,
    Result,
    SpotCheckDraw,
)
from ..selectors import DUE_SOON_DAYS, unpublished_results
from ..workflow import INSPECTION_WORKFLOW
from .common import attach, base_for


@transaction.atomic
def schedule_inspection(
    *,
    actor: User,
    base_id,
    kind: str,
    scheduled_on: date,
    province_team: str = "",
    inspector_unit: InspectorUnit | None = None,
    draw: SpotCheckDraw | None = None,
) -> Inspection:
    """Schedule a periodic inspection or a spot check with a team: province staff and/or an inspector unit."""
    base = base_for(actor, "schedule_inspection", base_id)
    if not province_team.strip() and inspector_unit is None:
        raise RuleViolation("请填写省人社厅考核人员或选择受委托考核单位。", field="province_team")
    inspection = Inspection.objects.create(
        base=base,
        kind=kind,
        scheduled_on=scheduled_on,
        province_team=province_team.strip(),
        inspector_unit=inspector_unit,
        draw=draw,
        created_by=actor,
    )
    InspectionItem.objects.bulk_create([InspectionItem(inspection=inspection, item=i) for i in Item])
    events.happened("schedule", actor=actor, inspection=inspection, base=base, kind=inspection.get_kind_display())
    return inspection


@transaction.atomic
def record_result(
    *,
    actor: User,
    inspection_id,
    inspected_on: date,
    verdicts: dict,
    notes: dict,
    result: str,
    summary: str,
    files: dict | None = None,
    expected_state: str | None = None,
) -> Inspection:
    """The assigned inspector unit (or the province) records the nine items and the overall result."""
    action = "record"

    def check(inspection, t):
        missing = [Item(i).label for i in Item if not verdicts.get(i)]
        if missing:
            raise RuleViolation("请对每一项考核内容作出结论：" + "、".join(missing) + "。", field="items")
        if result not in Result.values:
            raise RuleViolation("请选择考核结果。", field="result")
        if inspected_on > timezone.localdate():
            raise RuleViolation("实地考核日期不能晚于今天。", field="inspected_on")

    inspection, t = perform(
        workflow=INSPECTION_WORKFLOW,
        queryset=Inspection.objects.select_related("base"),
        pk=inspection_id,
        action=action,
        actor=actor,
        expected_state=expected_state,
        check=check,
        comment=f"考核结果：{Result(result).label}" if result in Result.values else "",
    )
    for row in inspection.items.all():
        row.verdict, row.notes = verdicts[row.item], (notes.get(row.item) or "").strip()
        row.save()
    inspection.inspected_on, inspection.result, inspection.summary = inspected_on, result, summary.strip()
    inspection.recorded_by, inspection.recorded_at = actor, timezone.now()
    inspection.save()
    for item, file in (files or {}).items():
        attach(actor=actor, file=file, inspection=inspection, item=item)
    if not access.may_ever(actor, Inspection, "confirm"):  # an inspector unit's result awaits the province
        events.happened(
            "result_submitted",
            actor=actor,
            inspection=inspection,
            base=inspection.base,
            result=inspection.get_result_display(),
        )
    return inspection


@transaction.atomic
def inspection_transition(
    *,
    actor: User,
    inspection_id,
    action: str,
    comment: str = "",
    expected_state: str | None = None,
    expected_digest: str | None = None,
) -> Inspection:
    """Send back, confirm or publish an inspection's result (Art. 20-22); a publication from the page
    carries the digest of the text the province previewed."""
    if action not in ("send_back", "confirm", "publish"):
        raise RuleViolation("不支持的操作。")
    inspection, t = perform(
        workflow=INSPECTION_WORKFLOW,
        queryset=Inspection.objects.select_related("base", "inspector_unit"),
        pk=inspection_id,
        action=action,
        actor=actor,
        comment=comment,
        expected_state=expected_state,
    )
    base = Base.objects.select_for_update().get(pk=inspection.base_id)
    if action == "send_back":
        events.happened("result_sent_back", actor=actor, inspection=inspection, base=base, comment=comment)
    elif action == "confirm":
        inspection.confirmed_at = timezone.now()
        inspection.save(update_fields=["confirmed_at"])
        if inspection.kind == InspectionKind.PERIODIC:
            # Art. 20: the next on-site periodic inspection is due 3 years after this one.
            due = last_day_of_years(inspection.inspected_on, 3)
            if base.next_inspection_due is None or due > base.next_inspection_due:
                base.next_inspection_due = due
                base.save(update_fields=["next_inspection_due"])
        events.happened(
            "result_confirmed",
            actor=actor,
            inspection=inspection,
            base=base,
            kind=inspection.get_kind_display(),
            result=inspection.get_result_display(),
        )
    elif action == "publish":
        publish_results([inspection], actor=actor, expected_digest=expected_digest)
    return inspection


def _unpublished(inspections: list[Inspection]) -> list[Inspection]:
    """Results already published one by one are neither announced nor commended again."""
    return [i for i in inspections if not (i.published_at is not None and i.state == InspectionState.PUBLISHED)]


def results_drafts(inspections: list[Inspection], *, title: str | None = None) -> list[Draft]:
    """The announcements publishing these results would make, as they will read (Art. 21, 22): the results,
    and the commendation of the excellent among them. None when every result is already published."""
    fresh = _unpublished(inspections)
    if not fresh:
        return []
    lines = "\n".join(f"{i.base.register_number}　{i.base.name}：{i.get_result_display()}" for i in fresh)
    kinds = "、".join(sorted({i.get_kind_display() for i in fresh}))
    drafts = [
        Draft(
            kind_label=AnnouncementKind.INSPECTION.label,
            title=title or f"{fresh[0].base.name}{kinds}结果公告",
            body=f"根据《福建省省级专业技术人员继续教育基地管理办法》第二十条、第二十一条，现将{kinds}结果公布如下：\n\n{lines}",
        )
    ]
    excellent = [i.base for i in fresh if i.result == Result.EXCELLENT]
    if excellent:
        drafts.append(
            Draft(
                kind_label=AnnouncementKind.COMMENDATION.label,
                title="考核优秀的省级继续教育基地",
                body="以下省级继续教育基地考核评估优秀，予以宣传推广，并在培训资源配置、任务分配等方面给予一定倾斜（第二十二条）：\n\n"
                + "\n".join(f"{b.register_number}　{b.name}" for b in excellent),
            )
        )
    return drafts


def publish_results(
    inspections: list[Inspection], *, actor: User, title: str | None = None, expected_digest: str | None = None
) -> Announcement | None:
    """Publish results (Art. 21) and commend the excellent (Art. 22), in the words of `results_drafts`.

    Results already published one by one are neither announced nor commended again; with nothing new
    to publish there is no announcement.
    """
    now = timezone.now()
    drafts = results_drafts(inspections, title=title)
    check_confirmed(drafts, expected_digest)
    fresh = []
    for i in _unpublished(inspections):
        if i.state != InspectionState.PUBLISHED:  # published with its draw, not on its own
            i, _ = perform(
                workflow=INSPECTION_WORKFLOW,
                queryset=Inspection.objects.select_related("base"),
                pk=i.pk,
                action="publish",
                actor=actor,
            )
        fresh.append(i)
    Inspection.objects.filter(pk__in=[i.pk for i in fresh]).update(published_at=now)
    if not fresh:
        return None
    results, *commendation = drafts
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.INSPECTION,
        published_at=now,
        created_by=actor,
        base=fresh[0].base if len(fresh) == 1 else None,
        title=results.title,
        body=results.body,
    )
    announcement.bases.set([i.base for i in fresh])
    excellent = [i.base for i in fresh if i.result == Result.EXCELLENT]
    if commendation:
        Base.objects.filter(pk__in=[b.pk for b in excellent]).update(commended_at=now)
        commended = Announcement.objects.create(
            kind=AnnouncementKind.COMMENDATION,
            published_at=now,
            created_by=actor,
            base=excellent[0] if len(excellent) == 1 else None,
            title=commendation[0].title,
            body=commendation[0].body,
        )
        commended.bases.set(excellent)
    for i in fresh:
        events.happened(
            "inspection_published",
            actor=actor,
            base=i.base,
            kind=i.get_kind_display(),
            result=i.get_result_display(),
        )
    return announcement


@transaction.atomic
def flag_inspection_clock(*, today: date) -> dict:
    """Daily: list bases whose periodic inspection is due within 90 days or overdue, and tell the province."""
    live = Base.objects.live()
    overdue = list(
        live.filter(next_inspection_due__lt=today)
        .order_by("next_inspection_due")
        .values_list("register_number", "name", "next_inspection_due")
    )
    soon = list(
        live.filter(next_inspection_due__gte=today, next_inspection_due__lte=today + timedelta(days=DUE_SOON_DAYS))
        .order_by("next_inspection_due")
        .values_list("register_number", "name", "next_inspection_due")
    )
    if overdue or soon:
        events.happened("inspection_clock", actor=None, overdue=overdue, soon=soon, today=today)
    return {"overdue": len(overdue), "due_soon": len(soon)}


@transaction.atomic
def remind_unpublished_results(*, today: date) -> int:
    """Daily: tell the province of each confirmed result still unpublished after its working days (Art. 21);
    once per result and day, however often the job runs. Returns the notifications written."""
    late = unpublished_results(today)
    if not late:
        return 0
    staff = list(people.province_staff())
    messages = [
        {
            "recipients": staff,
            "title": f"考核结果逾期未公布：{r.inspection.base.name}（逾期{r.overdue_days}个工作日）",
            "body": (
                f"{r.inspection.base.name}（{r.inspection.base.register_number}）的{r.inspection.get_kind_display()}结果"
                f"（{r.inspection.get_result_display()}）已于{r.confirmed_on:%Y年%-m月%-d日}确认，依第二十一条应向社会公布，"
                f"最迟应于{r.due_on:%Y年%-m月%-d日}公布，已逾期{r.overdue_days}个工作日。"
            ),
            "url": r.link,
            "dedupe_key": f"unpublished-result:{r.inspection.pk}:{today.isoformat()}",
        }
        for r in late
    ]
    return notify_each(messages)
