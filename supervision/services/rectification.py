"""Rectification (Art. 23 first list): the order, the report, its verification, missed deadlines."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bases.models import LIVE_STATUSES, Base, BaseStatus
from bases.workflow import BASE_WORKFLOW
from core import events
from core.errors import RuleViolation
from core.workflow import perform

from ..models import (
    Ground,
    InspectionState,
    RectificationOrder,
    RectificationState,
    Result,
)
from ..workflow import RECTIFICATION_WORKFLOW
from .common import attach


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
    events.happened("order", actor=actor, order=order, base=base)
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
        attach(actor=actor, file=file, rectification=order)
    events.happened("rectification_reported", actor=actor, order=order, base=order.base)
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
    events.happened("rectification_verified", actor=actor, order=order, base=base, passed=passed, comment=comment)
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
        lines = "\n".join(f"{name}（期限{deadline:%Y年%-m月%-d日}）" for name, deadline in rows)
        events.happened("rectifications_late", actor=None, count=len(rows), lines=lines, today=today)
    return flagged
