"""An application's whole life on one screen (SPEC 2.2; Art. 8, 9, 24)."""

from accounts.models import Role
from core import access
from core.workflow import Transition, Workflow

from .models import EDITABLE, IN_PROGRESS, Application, State
from .rules import visit_day_reached

INSTITUTION, RECOMMENDER, PROVINCE = Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE

TRANSITIONS = [
    # action                 from                                  to                      who          article
    Transition("submit",     {State.DRAFT, State.RETURNED},        State.SUBMITTED,        INSTITUTION, "第八条第三项", "提交申报"),
    Transition("withdraw",   IN_PROGRESS,                          State.WITHDRAWN,        INSTITUTION, "第八条第一项", "撤回申报"),
    Transition("recommend",  {State.SUBMITTED},                    State.RECOMMENDED,      RECOMMENDER, "第八条第三项", "推荐"),
    Transition("return_recommender", {State.SUBMITTED},            State.RETURNED,         RECOMMENDER, "第八条第三项", "退回修改", comment_required=True),
    Transition("not_recommend", {State.SUBMITTED},                 State.NOT_RECOMMENDED,  RECOMMENDER, "第八条第三项", "不予推荐", comment_required=True),
    Transition("start_review", {State.RECOMMENDED},                State.UNDER_REVIEW,     PROVINCE,    "第八条第四项", "受理审核"),
    Transition("return_province", {State.UNDER_REVIEW},            State.RETURNED,         PROVINCE,    "第八条第四项", "退回修改", comment_required=True),
    Transition("schedule_visit", {State.UNDER_REVIEW},             State.SITE_VISIT,       PROVINCE,    "第八条第四项", "安排实地考察"),
    Transition("approve",    {State.SITE_VISIT},                   State.APPROVED,         PROVINCE,    "第八条第四项、第九条", "认定通过"),
    Transition("reject",     {State.UNDER_REVIEW, State.SITE_VISIT}, State.REJECTED,       PROVINCE,    "第八条第四项", "不予认定", comment_required=True),
]  # fmt: skip

WORKFLOW = Workflow(Application, "state", State, TRANSITIONS)

# Actions that need a form of their own (dates, team, fraud finding) rather than a plain comment box.
DEDICATED_FORMS = {"schedule_visit", "approve", "reject", "submit"}
# Plain actions offered without the comment box: the applicant withdraws without giving reasons.
WITHOUT_COMMENT = {"withdraw"}

# The institution edits its figures and documents while the application is a draft or returned to it.
EDIT = access.permit(
    Application,
    "edit",
    roles={INSTITUTION},
    states=EDITABLE,
    role_message="只有申报机构可以修改申报内容。",
    state_message="申报当前状态为「{state}」，不能修改。",
)

# During the site visit the province records what it found, on or after the day of the visit, and
# attaches the visit's material.
RECORD_VISIT = access.permit(
    Application,
    "record_visit",
    roles={PROVINCE},
    states={State.SITE_VISIT},
    guards=[visit_day_reached],
    state_message="只有处于实地考察阶段的申报才能记录考察情况。",
)
ADD_VISIT_MATERIAL = access.permit(
    Application,
    "add_visit_material",
    roles={PROVINCE},
    states={State.SITE_VISIT},
    role_message="实地考察材料只能由省人社厅在实地考察阶段上传。",
    state_message="实地考察材料只能由省人社厅在实地考察阶段上传。",
)
