"""Inspections and rectification orders as transition tables (Art. 20-23)."""

from accounts.models import Role
from core.workflow import T, Workflow

from .models import InspectionState as I
from .models import RectificationState as R

_ = frozenset
INSPECTION_TRANSITIONS = [
    # action       from                          to              who               article
    T("record",    _({I.SCHEDULED, I.RECORDED}), I.RECORDED,     Role.INSPECTOR,   "第二十条", "提交考核结果"),
    T("record_p",  _({I.SCHEDULED, I.RECORDED}), I.RECORDED,     Role.PROVINCE,    "第二十条", "记录考核结果"),
    T("send_back", _({I.RECORDED}),              I.SCHEDULED,    Role.PROVINCE,    "第二十条", "退回考核单位", comment_required=True, style="warning"),
    T("confirm",   _({I.RECORDED}),              I.CONFIRMED,    Role.PROVINCE,    "第二十条、第二十一条", "确认考核结果", style="success"),
    T("publish",   _({I.CONFIRMED}),             I.PUBLISHED,    Role.PROVINCE,    "第二十一条", "向社会公布结果"),
]  # fmt: skip
INSPECTION_WORKFLOW = Workflow(I, INSPECTION_TRANSITIONS)

RECTIFICATION_TRANSITIONS = [
    T("report",    _({R.OPEN}),                  R.REPORTED,     Role.INSTITUTION, "第二十三条", "提交整改报告"),
    T("pass",      _({R.REPORTED}),              R.PASSED,       Role.PROVINCE,    "第二十三条", "整改通过", style="success"),
    T("fail",      _({R.REPORTED}),              R.FAILED,       Role.PROVINCE,    "第二十三条", "整改未通过", comment_required=True, style="danger"),
]  # fmt: skip
RECTIFICATION_WORKFLOW = Workflow(R, RECTIFICATION_TRANSITIONS)
