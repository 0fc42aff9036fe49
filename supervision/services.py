"""Every write of supervision (Art. 20-24): one function per user action, each in a transaction."""

import random
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as people
from accounts.models import InspectorUnit, Role, User
from applications.models import Bar, BarKind
from bases.models import LIVE_STATUSES, Announcement, AnnouncementKind, Base, BaseStatus
from bases.workflow import BASE_WORKFLOW
from core import access, timeline, uploads
from core.errors import RuleViolation
from core.notifications import notify
from core.periods import last_day_of_years
from core.workflow import perform

from .models import (
    REVOCATION_ARTICLES,
    CancellationRequest,
    Ground,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionState,
    Item,
    RectificationOrder,
    RectificationState,
    Result,
    Revocation,
    RevocationGround,
    SpotCheckDraw,
    SupervisionDocument,
)
from .workflow import CANCELLATION_WORKFLOW, INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

DUE_SOON_DAYS = 90


def _base_for(actor, action: str, base_id) -> Base:
    """The base, locked, in the actor's scope (404 outside it), once `can(actor, action, base)` agrees."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update().select_related("institution"), pk=base_id)
    access.require(actor, action, base)
    return base


def _notify_base(base: Base, title: str, body: str, url: str):
    notify(people.institution_staff(base.institution_id), title=title, body=body, url=url)


def _notify_recommender(base: Base, title: str, body: str, url: str):
    app = base.application
    notify(
        people.recommender_staff(region_id=app.recommender_region_id, department_id=app.recommender_department_id),
        title=title,
        body=body,
        url=url,
    )


def _attach(*, actor, file, uploaded_by=None, **owner) -> SupervisionDocument:
    checked = uploads.check(file)
    doc = SupervisionDocument(
        kind=checked.kind,
        content_type=checked.content_type,
        original_name=checked.original_name,
        size=checked.size,
        uploaded_by=uploaded_by or actor,
        **owner,
    )
    doc.file.save(checked.original_name, checked.file, save=False)
    doc.save()
    return doc


# -- inspections (Art. 20) --------------------------------------------------------------------------------


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
    base = _base_for(actor, "schedule_inspection", base_id)
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
    link = reverse("supervision:detail", args=[inspection.pk])
    label = Inspection(kind=kind).get_kind_display()
    timeline.record(
        inspection,
        actor=actor,
        action="schedule",
        label=f"安排{label}",
        to_state=inspection.state,
        comment=f"{scheduled_on:%Y年%-m月%-d日}；{inspection.team_text}",
        article="第二十条" if kind == InspectionKind.PERIODIC else "第二十一条",
    )
    if inspector_unit is not None:
        notify(
            people.inspector_staff(inspector_unit.pk),
            title=f"考核任务：{base.name}",
            body=f"省人社厅委托贵单位于{scheduled_on:%Y年%-m月%-d日}对{base.name}开展{label}。",
            url=link,
        )
    _notify_base(
        base,
        f"省人社厅将开展{label}",
        f"省人社厅定于{scheduled_on:%Y年%-m月%-d日}对贵基地开展{label}（第二十条），请做好准备。",
        reverse("bases:detail", args=[base.pk]),
    )
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
        _attach(actor=actor, file=file, inspection=inspection, item=item)
    if actor.role == Role.INSPECTOR:
        notify(
            people.province_staff(),
            title=f"考核结果待确认：{inspection.base.name}",
            body=f"{actor.organisation_name}提交了{inspection.base.name}的考核结果：{inspection.get_result_display()}。",
            url=reverse("supervision:detail", args=[inspection.pk]),
        )
    return inspection


@transaction.atomic
def inspection_transition(
    *, actor: User, inspection_id, action: str, comment: str = "", expected_state: str | None = None
) -> Inspection:
    """Send back, confirm or publish an inspection's result (Art. 20-22)."""
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
    link = reverse("supervision:detail", args=[inspection.pk])
    if action == "send_back" and inspection.inspector_unit_id:
        notify(
            people.inspector_staff(inspection.inspector_unit_id),
            title=f"考核结果被退回：{base.name}",
            body=f"省人社厅退回了考核结果，意见：{comment}",
            url=link,
        )
    elif action == "confirm":
        inspection.confirmed_at = timezone.now()
        inspection.save(update_fields=["confirmed_at"])
        if inspection.kind == InspectionKind.PERIODIC:
            # Art. 20: the next on-site periodic inspection is due 3 years after this one.
            due = last_day_of_years(inspection.inspected_on, 3)
            if base.next_inspection_due is None or due > base.next_inspection_due:
                base.next_inspection_due = due
                base.save(update_fields=["next_inspection_due"])
        _notify_base(
            base,
            f"考核结果：{inspection.get_result_display()}",
            f"省人社厅确认了对贵基地的{inspection.get_kind_display()}结果：{inspection.get_result_display()}。",
            reverse("bases:detail", args=[base.pk]),
        )
    elif action == "publish":
        _publish([inspection], actor=actor)
    return inspection


def _publish(inspections: list[Inspection], *, actor: User, title: str | None = None) -> Announcement | None:
    """Publish results (Art. 21) and commend the excellent (Art. 22).

    Results already published one by one are neither announced nor commended again; with nothing new
    to publish there is no announcement.
    """
    now = timezone.now()
    fresh = []
    for i in inspections:
        if i.published_at is not None and i.state == InspectionState.PUBLISHED:
            continue
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
    inspections = fresh  # results already published one by one are not announced again
    lines = "\n".join(f"{i.base.register_number}　{i.base.name}：{i.get_result_display()}" for i in inspections)
    kinds = {i.get_kind_display() for i in inspections}
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.INSPECTION,
        published_at=now,
        created_by=actor,
        base=inspections[0].base if len(inspections) == 1 else None,
        title=title or f"{inspections[0].base.name}{'、'.join(kinds)}结果公告",
        body=f"根据《福建省省级专业技术人员继续教育基地管理办法》第二十条、第二十一条，现将{'、'.join(kinds)}结果公布如下：\n\n{lines}",
    )
    announcement.bases.set([i.base for i in inspections])
    excellent = [i.base for i in fresh if i.result == Result.EXCELLENT]
    if excellent:
        Base.objects.filter(pk__in=[b.pk for b in excellent]).update(commended_at=now)
        commendation = Announcement.objects.create(
            kind=AnnouncementKind.COMMENDATION,
            published_at=now,
            created_by=actor,
            base=excellent[0] if len(excellent) == 1 else None,
            title="考核优秀的省级继续教育基地",
            body="以下省级继续教育基地考核评估优秀，予以宣传推广，并在培训资源配置、任务分配等方面给予一定倾斜（第二十二条）：\n\n"
            + "\n".join(f"{b.register_number}　{b.name}" for b in excellent),
        )
        commendation.bases.set(excellent)
    for i in inspections:
        timeline.record(
            i.base,
            actor=actor,
            action="inspection_published",
            article="第二十一条",
            label=f"{i.get_kind_display()}结果公布：{i.get_result_display()}",
        )
    return announcement


# -- spot-check draws (Art. 21; 双随机、一公开) -------------------------------------------------------------


def draw_sample(seed: int, candidates: list[list[int]], size: int, units: list[list[int]], assign: bool):
    """The sample and the unit assignments of a draw: a pure function of its stored inputs, so anyone can repeat it.

    candidates are [base_id, region_id] sorted by base id; units are [unit_id, region_id] sorted by unit id.
    An inspector unit is never assigned to a base in its own city (conflict avoidance).
    """
    rng = random.Random(seed)
    sampled = rng.sample(candidates, min(size, len(candidates)))
    assignments = {}
    if assign:
        for base_id, region_id in sampled:
            eligible = [unit_id for unit_id, unit_region in units if unit_region != region_id]
            if not eligible:
                raise RuleViolation("没有可回避该基地所在设区市的考核委托单位，无法随机分配。")
            assignments[str(base_id)] = rng.choice(eligible)
    return [base_id for base_id, _ in sampled], assignments


@transaction.atomic
def draw_spot_check(
    *,
    actor: User,
    size: int,
    scheduled_on: date,
    province_team: str = "",
    region=None,
    institution_type: str = "",
    status: str = "",
    assign_inspectors: bool = False,
    seed: int | None = None,
) -> SpotCheckDraw:
    """Draw N bases at random (optionally by city, type, status), store how, and schedule their spot checks."""
    access.require_role(actor, Role.PROVINCE)
    if size < 1:
        raise RuleViolation("抽取数量至少为1。", field="size")
    qs = Base.objects.filter(status=status) if status else Base.objects.live()
    described = []
    if region is not None:
        qs = qs.filter(region=region)
        described.append(f"设区市：{region.name}")
    if institution_type:
        qs = qs.filter(institution_type=institution_type)
        described.append(f"机构类型：{dict(Base._meta.get_field('institution_type').choices)[institution_type]}")
    if status:
        described.append(f"状态：{BaseStatus(status).label}")
    candidates = [list(row) for row in qs.order_by("id").values_list("id", "region_id")]
    if not candidates:
        raise RuleViolation("没有符合条件的基地可供抽取。")
    units = [
        list(row) for row in InspectorUnit.objects.filter(active=True).order_by("id").values_list("id", "region_id")
    ]
    if not assign_inspectors and not province_team.strip():
        raise RuleViolation("请填写省人社厅考核人员，或选择随机分配考核委托单位。", field="province_team")
    seed = seed if seed is not None else secrets.randbits(48)
    sampled, assignments = draw_sample(seed, candidates, size, units, assign_inspectors)
    draw = SpotCheckDraw.objects.create(
        drawn_by=actor,
        seed=seed,
        size=size,
        scheduled_on=scheduled_on,
        filters={
            "region": region.pk if region else None,
            "institution_type": institution_type,
            "status": status,
            "assign_inspectors": assign_inspectors,
        },
        filters_text="；".join(described) or "全部在册基地",
        candidate_ids=candidates,
        sampled_ids=sampled,
        unit_candidate_ids=units if assign_inspectors else [],
        assignments=assignments,
    )
    unit_by_id = InspectorUnit.objects.in_bulk(list(assignments.values()))
    for base_id in sampled:
        unit = unit_by_id.get(assignments.get(str(base_id)))
        schedule_inspection(
            actor=actor,
            base_id=base_id,
            kind=InspectionKind.SPOT_CHECK,
            scheduled_on=scheduled_on,
            province_team=province_team,
            inspector_unit=unit,
            draw=draw,
        )
    return draw


def replay_draw(draw: SpotCheckDraw):
    """Repeat a stored draw: the same seed and candidates give the same sample and assignments."""
    return draw_sample(
        draw.seed, draw.candidate_ids, draw.size, draw.unit_candidate_ids, bool(draw.filters.get("assign_inspectors"))
    )


@transaction.atomic
def publish_draw(*, actor: User, draw_id) -> Announcement | None:
    """Publish a draw's results once all its spot checks are confirmed (一公开)."""
    access.require_role(actor, Role.PROVINCE)
    draw = access.get_visible_or_404(actor, SpotCheckDraw.objects.select_for_update(), pk=draw_id)
    inspections = list(draw.inspections.select_related("base").order_by("base__year", "base__sequence"))
    if draw.published_at:
        raise RuleViolation("该次抽查结果已公布。")
    pending = [i for i in inspections if i.state not in (InspectionState.CONFIRMED, InspectionState.PUBLISHED)]
    if pending:
        raise RuleViolation(f"还有{len(pending)}家基地的抽查结果未确认，全部确认后方可公布。")
    draw.published_at = timezone.now()
    draw.save(update_fields=["published_at"])
    return _publish(inspections, actor=actor, title=f"{draw.drawn_at:%Y年%-m月}省级继续教育基地不定期抽查结果公告")


# -- rectification (Art. 23, first list) -----------------------------------------------------------------


@transaction.atomic
def order_rectification(
    *, actor: User, base_id, ground: str, findings: str, deadline: date, inspection_id=None
) -> RectificationOrder:
    """Order the base to rectify by a deadline; it becomes 整改中 on the register."""

    def check(base, t):
        if deadline <= timezone.localdate():
            raise RuleViolation("整改期限应晚于今天。", field="deadline")
        if not findings.strip():
            raise RuleViolation("请写明存在的问题。", field="findings")
        if ground not in Ground.values:
            raise RuleViolation("请选择整改事由。", field="ground")
        if inspection_id is not None and not base.inspections.filter(pk=inspection_id).exists():
            raise RuleViolation("所引用的考核不属于该基地。")
        if (
            ground == Ground.FAILED_INSPECTION
            and not base.inspections.filter(
                pk=inspection_id, result=Result.FAIL, state__in=[InspectionState.CONFIRMED, InspectionState.PUBLISHED]
            ).exists()
        ):
            raise RuleViolation(
                "以考核或抽查不合格为由责令整改，须引用该基地一次已确认的不合格考核。",
                article="第二十三条第一款第三项",
                field="ground",
            )

    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=base_id,
        action="order_rectification",
        actor=actor,
        check=check,
        comment=f"{Ground(ground).label if ground in Ground.values else ''}；期限{deadline:%Y年%-m月%-d日}",
    )
    # a base under rectification is no longer held up as an example (Art. 22)
    base.status_changed_on, base.commended_at = timezone.localdate(), None
    base.save(update_fields=["status_changed_on", "commended_at"])
    order = RectificationOrder.objects.create(
        base=base,
        ground=ground,
        findings=findings.strip(),
        deadline=deadline,
        inspection_id=inspection_id,
        ordered_by=actor,
    )
    link = reverse("supervision:rectification", args=[order.pk])
    timeline.record(
        order,
        actor=actor,
        action="order",
        label="下达整改通知",
        to_state=order.state,
        comment=order.findings,
        article="第二十三条第一款",
    )
    body = f"省人社厅责令贵基地限期整改，期限至{deadline:%Y年%-m月%-d日}。存在问题：{order.findings}"
    _notify_base(base, "限期整改通知", body, link)
    _notify_recommender(base, f"基地限期整改：{base.name}", body, link)
    return order


@transaction.atomic
def report_rectification(
    *, actor: User, order_id, report: str, files: list | None = None, expected_state: str | None = None
) -> RectificationOrder:
    """The base reports what it rectified, with attachments."""
    if not report.strip():
        raise RuleViolation("请填写整改报告。", field="report")
    checked_files = list(files or [])
    order, t = perform(
        workflow=RECTIFICATION_WORKFLOW,
        queryset=RectificationOrder.objects.select_related("base"),
        pk=order_id,
        action="report",
        actor=actor,
        expected_state=expected_state,
    )
    order.report, order.reported_at = report.strip(), timezone.now()
    order.save(update_fields=["report", "reported_at"])
    for file in checked_files:
        _attach(actor=actor, file=file, rectification=order)
    notify(
        people.province_staff(),
        title=f"整改报告待核验：{order.base.name}",
        body=f"{order.base.name}提交了整改报告。",
        url=reverse("supervision:rectification", args=[order.pk]),
    )
    return order


@transaction.atomic
def verify_rectification(
    *, actor: User, order_id, passed: bool, comment: str = "", expected_state: str | None = None
) -> RectificationOrder:
    """Passed: the base is normal again. Not passed: the province proceeds to revocation (Art. 23)."""
    order, t = perform(
        workflow=RECTIFICATION_WORKFLOW,
        queryset=RectificationOrder.objects.select_related("base"),
        pk=order_id,
        action="pass" if passed else "fail",
        actor=actor,
        comment=comment,
        expected_state=expected_state,
    )
    order.verification, order.verified_at = comment.strip(), timezone.now()
    order.save(update_fields=["verification", "verified_at"])
    base = Base.objects.select_for_update().get(pk=order.base_id)
    still_open = RectificationOrder.objects.filter(
        base=base, state__in=[RectificationState.OPEN, RectificationState.REPORTED]
    ).exists()
    if passed and not still_open and base.status == BaseStatus.RECTIFYING:
        base, _ = perform(workflow=BASE_WORKFLOW, pk=base.pk, action="restore", actor=actor)
        base.status_changed_on = timezone.localdate()
        base.save(update_fields=["status_changed_on"])
    _notify_base(
        base,
        "整改通过" if passed else "整改未通过",
        "省人社厅核验了贵基地的整改报告：" + ("整改通过。" if passed else f"整改未通过。意见：{comment}"),
        reverse("supervision:rectification", args=[order.pk]),
    )
    return order


@transaction.atomic
def flag_missed_deadlines(*, today: date) -> int:
    """Daily: mark open orders past their deadline, and tell the province (once per day)."""
    now = timezone.now()
    late = RectificationOrder.objects.filter(
        state=RectificationState.OPEN, deadline__lt=today, base__status__in=LIVE_STATUSES
    )
    flagged = late.filter(deadline_missed_at=None).update(deadline_missed_at=now)
    rows = list(late.select_related("base").order_by("deadline").values_list("base__name", "deadline"))
    if rows:
        notify(
            people.province_staff(),
            title=f"整改逾期：{len(rows)}家基地未在期限内报送整改报告",
            body="以下基地整改期限已过仍未报送整改报告，可依第二十三条取消其资格：\n"
            + "\n".join(f"{name}（期限{deadline:%Y年%-m月%-d日}）" for name, deadline in rows),
            url=reverse("supervision:rectifications") + "?late=on",
            dedupe_key=f"rectification-late:{today}",
        )
    return flagged


# -- revocation, cancellation, bars (Art. 23, 24) ----------------------------------------------------------


@transaction.atomic
def revoke(
    *,
    actor: User,
    base_id,
    ground: str,
    reason: str,
    effective_on: date,
    decision_number: str,
    document=None,
    rectification_id=None,
    cancellation_request_id=None,
) -> Revocation:
    """End a base's recognition; it leaves the active register, its plaque verifies as revoked, and the
    institution may not apply for 3 years from the effective date (Art. 24)."""
    if ground not in RevocationGround.values:
        raise RuleViolation("请选择撤销事由。", field="ground")
    cancelled = ground == RevocationGround.REQUESTED
    found = {}

    def check(base, t):
        if not reason.strip():
            raise RuleViolation("请写明具体情况。", field="reason")
        if not decision_number.strip():
            raise RuleViolation("请填写决定文号。", field="decision_number")
        if ground == RevocationGround.FAILED_RECTIFICATION:
            found["rectification"] = rectification = RectificationOrder.objects.filter(
                pk=rectification_id, base=base
            ).first()
            if not (rectification and rectification.ends_in_revocation):
                raise RuleViolation(
                    "以整改未达要求为由取消资格，须有整改未通过或逾期未整改的整改通知。",
                    article="第二十三条第一款",
                    field="ground",
                )
        if cancelled:
            found["request"] = CancellationRequest.objects.filter(pk=cancellation_request_id, base=base).first()
            if found["request"] is None:
                raise RuleViolation("主动申请取消的，须有建设单位或推荐单位的取消申请。", field="ground")

    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=base_id,
        action="cancel" if cancelled else "revoke",
        actor=actor,
        check=check,
        comment=f"{decision_number.strip()}；{reason.strip()}",
        article=REVOCATION_ARTICLES[ground],
    )
    rectification, request = found.get("rectification"), found.get("request")
    revocation = Revocation.objects.create(
        base=base,
        ground=ground,
        article=REVOCATION_ARTICLES[ground],
        reason=reason.strip(),
        effective_on=effective_on,
        decision_number=decision_number.strip(),
        rectification=rectification,
        cancellation_request=request,
        decided_by=actor,
    )
    if document:
        _attach(actor=actor, file=document, revocation=revocation)
    base.status_changed_on = effective_on
    base.save(update_fields=["status_changed_on"])
    bar = Bar.objects.create(
        institution=base.institution,
        kind=BarKind.CANCELLATION if cancelled else BarKind.REVOCATION,
        starts_on=effective_on,
        last_day=last_day_of_years(effective_on, 3),
        reason=f"{revocation.get_ground_display()}：{revocation.reason}",
        article="第二十四条",
        base=base,
    )
    word = "取消" if cancelled else "撤销"
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.REVOCATION,
        published_at=timezone.now(),
        base=base,
        created_by=actor,
        title=f"关于{word}{base.name}省级继续教育基地资格的公告",
        body=(
            f"依据《福建省省级专业技术人员继续教育基地管理办法》{revocation.article}，自{effective_on:%Y年%-m月%-d日}起"
            f"{word}{base.name}（{base.register_number}）省级专业技术人员继续教育基地资格（{revocation.decision_number}）。"
            f"\n\n事由：{revocation.get_ground_display()}。\n{revocation.reason}\n\n"
            f"依据第二十四条，{bar.last_day:%Y年%-m月%-d日}前（含当日）不再受理该机构的认定申请。"
        ),
    )
    announcement.bases.set([base])
    link = reverse("bases:detail", args=[base.pk])
    body = f"自{effective_on:%Y年%-m月%-d日}起{word}{base.name}省级继续教育基地资格。{bar.until_text}。"
    _notify_base(base, f"基地资格已{word}", body, link)
    _notify_recommender(base, f"基地资格已{word}：{base.name}", body, link)
    return revocation


@transaction.atomic
def request_cancellation(*, actor: User, base_id, reason: str) -> CancellationRequest:
    """The base's institution or its recommending unit asks the province to cancel the base (Art. 23 (2)(3))."""
    base = _base_for(actor, "request_cancellation", base_id)
    if not reason.strip():
        raise RuleViolation("请写明申请取消的理由。", field="reason")
    request = CancellationRequest.objects.create(
        base=base, requested_by=actor, requester_role=actor.role, reason=reason.strip()
    )
    who = actor.organisation_name
    timeline.record(
        base,
        actor=actor,
        action="request_cancellation",
        label="申请取消基地资格",
        comment=request.reason,
        article="第二十三条第二款第三项",
    )
    notify(
        people.province_staff(),
        title=f"取消资格申请：{base.name}",
        body=f"{who}申请取消{base.name}的基地资格。",
        url=reverse("supervision:cancellation", args=[request.pk]),
    )
    return request


@transaction.atomic
def decide_cancellation(
    *,
    actor: User,
    request_id,
    grant: bool,
    decision: str,
    effective_on: date | None = None,
    decision_number: str = "",
    document=None,
) -> CancellationRequest:
    """The province grants (the base is cancelled) or refuses a cancellation request."""

    def check(request, t):
        if not grant and not decision.strip():
            raise RuleViolation("不予取消的，请写明理由。", field="decision")

    request, t = perform(
        workflow=CANCELLATION_WORKFLOW,
        queryset=CancellationRequest.objects.select_related("base"),
        pk=request_id,
        action="grant" if grant else "refuse",
        actor=actor,
        check=check,
        comment=decision,
    )
    request.decision, request.decided_at = decision.strip(), timezone.now()
    request.save(update_fields=["decision", "decided_at"])
    if grant:
        revoke(
            actor=actor,
            base_id=request.base_id,
            ground=RevocationGround.REQUESTED,
            reason=decision.strip() or request.reason,
            effective_on=effective_on or timezone.localdate(),
            decision_number=decision_number,
            document=document,
            cancellation_request_id=request.pk,
        )
    else:
        notify(
            [request.requested_by],
            title="取消资格申请未获同意",
            body=f"意见：{request.decision}",
            url=reverse("supervision:cancellation", args=[request.pk]),
        )
    return request


# -- the 3-year clock (Art. 20) -------------------------------------------------------------------------


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

        def lines(rows):
            return "\n".join(f"{n} {name}（截止{due:%Y年%-m月%-d日}）" for n, name, due in rows) or "无"

        notify(
            people.province_staff(),
            title=f"定期考核提醒：逾期{len(overdue)}家，90日内到期{len(soon)}家",
            body=f"依第二十条，各基地每3年至少进行一次实地考察。\n\n已逾期：\n{lines(overdue)}\n\n90日内到期：\n{lines(soon)}",
            url=reverse("supervision:list"),
            dedupe_key=f"inspection-clock:{today}",
        )
    return {"overdue": len(overdue), "due_soon": len(soon)}
