"""Inspections and rectification orders as transition tables (Art. 20-23)."""

from accounts.models import Role
from core.workflow import Transition, Workflow

from .models import Inspection, InspectionState, RectificationOrder, RectificationState

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
