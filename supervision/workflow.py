"""Inspections, rectification orders and cancellation requests as transition tables (Art. 20-23)."""

from accounts.models import Role
from bases.workflow import permit_while_live
from core import access
from core.workflow import Transition, Workflow

from .models import (
    CancellationRequest,
    Inspection,
    InspectionPlan,
    InspectionState,
    PlanState,
    RectificationOrder,
    RectificationState,
    RequestState,
    Result,
)

INSPECTION_TRANSITIONS = [
    # action                from                                                  to                          who                                article
    Transition("record",    {InspectionState.SCHEDULED, InspectionState.RECORDED}, InspectionState.RECORDED,  {Role.INSPECTOR, Role.PROVINCE},   "第二十条", "提交考核结果"),
    Transition("send_back", {InspectionState.RECORDED},                          InspectionState.SCHEDULED, Role.PROVINCE, "第二十条", "退回考核单位", comment_required=True),
    Transition("confirm",   {InspectionState.RECORDED},                          InspectionState.CONFIRMED, Role.PROVINCE, "第二十条、第二十一条", "确认考核结果"),
    Transition("publish",   {InspectionState.CONFIRMED},                         InspectionState.PUBLISHED, Role.PROVINCE, "第二十一条", "向社会公布结果"),
]  # fmt: skip
INSPECTION_WORKFLOW = Workflow(Inspection, "state", InspectionState, INSPECTION_TRANSITIONS)

RECTIFICATION_TRANSITIONS = [
    Transition("report",    {RectificationState.OPEN},     RectificationState.REPORTED, Role.INSTITUTION, "第二十三条", "提交整改报告"),
    Transition("pass",      {RectificationState.REPORTED}, RectificationState.PASSED,   Role.PROVINCE,    "第二十三条", "整改通过"),
    Transition("fail",      {RectificationState.REPORTED}, RectificationState.FAILED,   Role.PROVINCE,    "第二十三条", "整改未通过", comment_required=True),
]  # fmt: skip
RECTIFICATION_WORKFLOW = Workflow(RectificationOrder, "state", RectificationState, RECTIFICATION_TRANSITIONS)

CANCELLATION_TRANSITIONS = [
    Transition("grant",     {RequestState.SUBMITTED}, RequestState.GRANTED, Role.PROVINCE, "第二十三条第二款第三项", "同意取消"),
    Transition("refuse",    {RequestState.SUBMITTED}, RequestState.REFUSED, Role.PROVINCE, "第二十三条第二款第三项", "不予取消"),
]  # fmt: skip
CANCELLATION_WORKFLOW = Workflow(CancellationRequest, "state", RequestState, CANCELLATION_TRANSITIONS)


def has_placed_inspections(plan, user):
    if not plan.entries.filter(unit__isnull=False).exists():
        return "计划中没有已安排的考核，不能确定。"
    return None


# The province accepts the proposed three-year plan; accepting schedules its inspections (Art. 20).
PLAN_TRANSITIONS = [
    Transition("accept",    {PlanState.DRAFT}, PlanState.ACCEPTED, Role.PROVINCE, "第二十条", "确定考核计划", guards=[has_placed_inspections]),
]  # fmt: skip
PLAN_WORKFLOW = Workflow(InspectionPlan, "state", PlanState, PLAN_TRANSITIONS)


def no_request_pending(base, user):
    if base.cancellation_requests.filter(state=RequestState.SUBMITTED).exists():
        return "已有一份取消申请待省人社厅决定。"
    return None


# The base's institution or its recommending unit asks the province to cancel a live base (Art. 23 (2)(3)).
REQUEST_CANCELLATION = permit_while_live(
    "request_cancellation", roles={Role.INSTITUTION, Role.RECOMMENDER}, guards=(no_request_pending,)
)


def base_is_live(order, user):
    if not order.base.is_live:
        return f"基地当前状态为「{order.base.get_status_display()}」，不能办理此事项。"
    return None


def rectification_failed(order, user):
    if not order.ends_in_revocation:
        return "以整改未达要求为由取消资格，须有整改未通过或逾期未整改的整改通知。"
    return None


# From a failed or missed rectification the province proceeds to revoke the base (Art. 23 first list).
REVOKE_AFTER_RECTIFICATION = access.permit(
    RectificationOrder, "revoke_base", roles={Role.PROVINCE}, guards=(base_is_live, rectification_failed)
)


def failed(inspection, user):
    if inspection.result != Result.FAIL:
        return "考核结果不是不合格。"
    return None


def base_of_inspection_is_live(inspection, user):
    if not inspection.base.is_live:
        return f"基地当前状态为「{inspection.base.get_status_display()}」，不能办理此事项。"
    return None


def not_yet_ordered(inspection, user):
    if inspection.rectifications.exists():
        return "已依据此次考核责令限期整改。"
    return None


# A confirmed failing result: the province orders the base to rectify (Art. 23 first list (3)).
RECTIFY_AFTER_INSPECTION = access.permit(
    Inspection,
    "order_rectification",
    roles={Role.PROVINCE},
    states={InspectionState.CONFIRMED, InspectionState.PUBLISHED},
    guards=(failed, base_of_inspection_is_live, not_yet_ordered),
)
