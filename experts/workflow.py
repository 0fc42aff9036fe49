"""An expert's seat on a panel (Art. 26): declared free of conflict before the case's files open, or given
up — a declared conflict, a refusal, or the province withdrawing the expert — which draws a replacement. And the
seat's scored form: a draft, submitted and locked, superseded when a corrected version is submitted."""

from django.utils import timezone

from accounts.models import Role
from core.workflow import Transition, Workflow

from .models import Assignment, AssignmentState, ScoreSheet, SheetState

EXPERT, PROVINCE = Role.EXPERT, Role.PROVINCE
DRAWN, DECLARED = AssignmentState.DRAWN, AssignmentState.DECLARED


def before_deadline(assignment, actor):
    if timezone.localdate() > assignment.declare_by:
        return (
            f"声明期限已于{assignment.declare_by:%Y年%-m月%-d日}届满，不能再作声明；"
            "如仍可参加或需回避，请联系省人社厅。"
        )
    return None


ASSIGNMENT_TRANSITIONS = [
    Transition("declare",  {DRAWN},           AssignmentState.DECLARED,  EXPERT,   "第二十六条", "声明无利害关系并承诺保密",
               guards=[before_deadline]),
    Transition("conflict", {DRAWN, DECLARED}, AssignmentState.CONFLICT,  EXPERT,   "第二十六条", "申报利害关系，申请回避",
               comment_required="请写明与被评审机构的利害关系。"),
    Transition("refuse",   {DRAWN},           AssignmentState.REFUSED,   EXPERT,   "第二十六条", "谢绝参加",
               comment_required="请写明不能参加的原因。"),
    Transition("withdraw", {DRAWN, DECLARED}, AssignmentState.WITHDRAWN, PROVINCE, "第二十六条", "撤回专家",
               comment_required="请写明撤回该专家的原因。"),
]  # fmt: skip
ASSIGNMENT_WORKFLOW = Workflow(Assignment, "state", AssignmentState, ASSIGNMENT_TRANSITIONS)


def seat_declared(sheet, actor):
    """Only an expert still seated, and declared free of conflict, scores (Art. 26)."""
    if sheet.assignment.state != DECLARED:
        return f"本评审任务的状态为「{sheet.assignment.get_state_display()}」，不能填写或提交评分表。"
    return None


def rows_complete(sheet, actor):
    """Every condition or item has a score and a verdict before the form is submitted."""
    missing = [row.label for row in sheet.rows.all() if row.score is None or not row.verdict]
    if missing:
        return f"以下项目尚未评分或未选择结论：{'、'.join(missing)}。"
    return None


SHEET_TRANSITIONS = [
    Transition("submit",    {SheetState.DRAFT},     SheetState.SUBMITTED,  EXPERT, "第二十六条", "提交评分表",
               guards=[seat_declared, rows_complete]),
    Transition("supersede", {SheetState.SUBMITTED}, SheetState.SUPERSEDED, EXPERT, "第二十六条", "以更正版本取代",
               guards=[seat_declared]),
]  # fmt: skip
SHEET_WORKFLOW = Workflow(ScoreSheet, "state", SheetState, SHEET_TRANSITIONS)
