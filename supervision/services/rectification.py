"""Rectification (Art. 23 first list): the order, the report, its verification, missed deadlines."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bases.models import LIVE_STATUSES, Base, BaseStatus
from bases.workflow import BASE_WORKFLOW
from core import decisions, events
from core.errors import RuleViolation
from core.models import DecisionKind
from core.workflow import perform
from experts.selectors import panel_conclusion

from ..models import (
    GROUND_ARTICLES,
    Ground,
    InspectionState,
    RectificationOrder,
    RectificationState,
    Result,
)
from ..workflow import RECTIFICATION_WORKFLOW
from .common import attach, base_for


@transaction.atomic
def order_rectification(
    *, actor: User, base_id, ground: str, findings: str, deadline: date, inspection_id=None
) -> RectificationOrder:
    """Order the base to rectify by a deadline (Art. 23 first list) by a numbered decision; it becomes 整改中."""
    base = base_for(actor, "order_rectification", base_id)
    if deadline <= timezone.localdate():
        raise RuleViolation("整改期限应晚于今天。", field="deadline")
    if not findings.strip():
        raise RuleViolation("请写明存在的问题。", field="findings")
    if ground not in Ground.values:
        raise RuleViolation("请选择整改事由。", field="ground")
    inspection = None
    if inspection_id is not None:
        inspection = base.inspections.filter(pk=inspection_id).first()
        if inspection is None:
            raise RuleViolation("所引用的考核不属于该基地。")
    if ground == Ground.FAILED_INSPECTION and not (
        inspection
        and inspection.result == Result.FAIL
        and inspection.state in (InspectionState.CONFIRMED, InspectionState.PUBLISHED)
    ):
        raise RuleViolation(
            "以考核或抽查不合格为由责令整改，须引用该基地一次已确认的不合格考核。",
            article="第二十三条第一款第三项",
            field="ground",
        )
    # Checked above under the base's lock, so the number is taken only for an order that will stand.
    decision = decisions.issue(
        kind=DecisionKind.RECTIFICATION,
        subject=base,
        actor=actor,
        title=f"关于责令{base.name}限期整改的通知",
        addressee=base.institution.name,
        facts=_order_facts(base, ground, findings, inspection),
        basis=GROUND_ARTICLES[ground],
        body=(
            f"依据《福建省省级专业技术人员继续教育基地管理办法》{GROUND_ARTICLES[ground]}，责令{base.name}"
            f"于{deadline:%Y年%-m月%-d日}前完成整改，并向省人社厅报送整改报告。整改事项：\n{findings.strip()}\n"
            "在规定时间内仍然达不到要求的，依据第二十三条取消其省级继续教育基地资格。"
        ),
        adverse=True,
        carbon_copy=base.application.recommender_name if base.application_id else "",
    )
    base, t = perform(
        workflow=BASE_WORKFLOW,
        queryset=Base.objects.select_related("institution", "application"),
        pk=base.pk,
        action="order_rectification",
        actor=actor,
        comment=f"{decision.number}；{Ground(ground).label}；期限{deadline:%Y年%-m月%-d日}",
        article=GROUND_ARTICLES[ground],
    )
    # a base under rectification is no longer held up as an example (Art. 22)
    base.status_changed_on, base.commended_at = timezone.localdate(), None
    base.save(update_fields=["status_changed_on", "commended_at"])
    order = RectificationOrder.objects.create(
        base=base,
        ground=ground,
        findings=findings.strip(),
        deadline=deadline,
        inspection=inspection,
        decision=decision,
        ordered_by=actor,
    )
    events.happened("order", actor=actor, order=order, base=base, decision=decision)
    return order


def _order_facts(base: Base, ground: str, findings: str, inspection) -> str:
    facts = f"{base.name}（基地编号{base.register_number}）存在以下情形：{Ground(ground).label}。"
    if inspection is not None:
        facts += (
            f"\n{inspection.get_kind_display()}（{(inspection.inspected_on or inspection.scheduled_on):%Y年%-m月%-d日}）"
            f"结果：{inspection.get_result_display()}。{panel_conclusion(inspection)}"
        )
    return f"{facts}\n存在问题：{findings.strip()}"


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
    """Verify the report by a numbered opinion (Art. 23): passed, the base is normal again; not passed, the
    province may proceed to revocation."""
    order, t = perform(
        workflow=RECTIFICATION_WORKFLOW,
        queryset=RectificationOrder.objects.select_related("base", "decision"),
        pk=order_id,
        action="pass" if passed else "fail",
        actor=actor,
        comment=comment,
        expected_state=expected_state,
    )
    base = Base.objects.select_for_update().select_related("institution", "application").get(pk=order.base_id)
    still_open = RectificationOrder.objects.filter(
        base=base, state__in=[RectificationState.OPEN, RectificationState.REPORTED]
    ).exists()
    restores = passed and not still_open and base.status == BaseStatus.RECTIFYING
    decision = decisions.issue(
        kind=DecisionKind.VERIFICATION,
        subject=base,
        actor=actor,
        title=f"关于{base.name}整改{'通过' if passed else '未通过'}的核验意见",
        addressee=base.institution.name,
        facts=_verification_facts(order),
        basis="第二十三条第一款",
        body=_verification_body(order, base, passed=passed, restores=restores, comment=comment),
        adverse=not passed,
        carbon_copy=base.application.recommender_name if base.application_id else "",
    )
    order.verification, order.verified_at = comment.strip(), timezone.now()
    order.verification_decision = decision
    order.save(update_fields=["verification", "verified_at", "verification_decision"])
    if restores:
        base, _ = perform(
            workflow=BASE_WORKFLOW, pk=base.pk, action="restore", actor=actor, comment=f"{decision.number}；整改通过"
        )
        base.status_changed_on = timezone.localdate()
        base.save(update_fields=["status_changed_on"])
    events.happened(
        "rectification_verified",
        actor=actor,
        order=order,
        base=base,
        passed=passed,
        comment=comment,
        decision=decision,
    )
    return order


def _verification_facts(order: RectificationOrder) -> str:
    ordered = f"（{order.decision.number}）" if order.decision_id else ""
    reported = f"{order.reported_at:%Y年%-m月%-d日}" if order.reported_at else ""
    return (
        f"省人社厅于{timezone.localdate(order.ordered_at):%Y年%-m月%-d日}责令{order.base.name}限期整改{ordered}，"
        f"整改期限至{order.deadline:%Y年%-m月%-d日}。该基地于{reported}报送整改报告：\n{order.report}"
    )


def _verification_body(order, base, *, passed: bool, restores: bool, comment: str) -> str:
    opinion = f"\n核验意见：{comment.strip()}" if comment.strip() else ""
    if not passed:
        return (
            f"经核验，{base.name}整改未通过。{opinion}\n"
            "依据第二十三条第一款，在规定时间内仍然达不到要求的，取消其省级继续教育基地资格。"
        )
    if restores:
        return f"经核验，{base.name}整改通过，自{timezone.localdate():%Y年%-m月%-d日}起恢复正常状态。{opinion}"
    if base.status == BaseStatus.RECTIFYING:
        return f"经核验，{base.name}本项整改通过；该基地尚有其他整改事项未完成，仍为整改中。{opinion}"
    return f"经核验，{base.name}整改通过。{opinion}"


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
