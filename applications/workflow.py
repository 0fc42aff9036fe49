"""An application's whole life on one screen (SPEC 2.2; Art. 8, 9, 24)."""

from django.contrib.contenttypes.models import ContentType

from accounts.models import Role
from core import access
from core.workflow import Transition, Workflow
from experts import selectors as expert_selectors

from .models import (
    EDITABLE,
    IN_PROGRESS,
    PENDING_HEARING,
    Appeal,
    AppealState,
    Application,
    FraudReport,
    FraudReportState,
    Hearing,
    HearingKind,
    HearingState,
    State,
)
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
    # a fraud finding ends an application still in progress (applications.hearings / services.find_fraud)
    Transition("reject_for_fraud", IN_PROGRESS - {State.DRAFT},    State.REJECTED,         PROVINCE,    "第二十四条", "认定弄虚作假，不予认定"),
    # a refusal set aside on appeal sends the application back to review
    Transition("reopen",     {State.REJECTED},                     State.UNDER_REVIEW,     PROVINCE,    "第八条第四项", "原决定被撤销，重新审核"),
]  # fmt: skip

WORKFLOW = Workflow(Application, "state", State, TRANSITIONS)

# Actions that need a form of their own (dates, team, fraud finding) rather than a plain comment box.
DEDICATED_FORMS = {"schedule_visit", "approve", "reject", "submit", "reject_for_fraud", "reopen"}
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


def _no_panel_yet(app, user):
    return "该申报的实地考察已组建评审专家组。" if expert_selectors.has_panel(app) else None


# The province draws the visit's experts once the visit is scheduled (Art. 8(4), 26).
FORM_VISIT_PANEL = access.permit(
    Application,
    "form_panel",
    roles={PROVINCE},
    states={State.SITE_VISIT},
    guards=[_no_panel_yet],
    role_message="只有省人社厅可以抽取评审专家。",
    state_message="安排实地考察后，方可为其抽取评审专家。",
)


ADD_VISIT_MATERIAL = access.permit(
    Application,
    "add_visit_material",
    roles={PROVINCE},
    states={State.SITE_VISIT},
    role_message="实地考察材料只能由省人社厅在实地考察阶段上传。",
    state_message="实地考察材料只能由省人社厅在实地考察阶段上传。",
)


# -- the right to be heard, fraud reports and appeals (SPEC 2.10; Art. 24) ----------------------------


def within_deadline(hearing, actor):
    if hearing.deadline_passed():
        return f"陈述申辩期限已于{hearing.deadline:%Y年%-m月%-d日}届满。"
    return None


def heard(hearing, actor):
    if not hearing.may_be_decided():
        return (
            f"当事人的陈述申辩期限至{hearing.deadline:%Y年%-m月%-d日}，"
            "须待其陈述申辩、明确放弃或期限届满后方可作出决定。"
        )
    return None


HEARING_TRANSITIONS = [
    Transition("answer",  {HearingState.OPEN}, HearingState.ANSWERED, INSTITUTION, "第二十四条", "陈述申辩", guards=[within_deadline]),
    Transition("waive",   {HearingState.OPEN}, HearingState.WAIVED,   INSTITUTION, "第二十四条", "放弃陈述申辩", guards=[within_deadline]),
    # taken by the service that issues the decision, in the same transaction
    Transition("decide",  {HearingState.OPEN, HearingState.ANSWERED, HearingState.WAIVED}, HearingState.DECIDED, PROVINCE,
               "第二十四条", "作出决定", guards=[heard]),
    Transition("drop",    {HearingState.OPEN, HearingState.ANSWERED, HearingState.WAIVED}, HearingState.DROPPED, PROVINCE,
               "第二十四条", "不再作出决定", comment_required="请写明不再作出该决定的理由。"),
]  # fmt: skip
HEARING_WORKFLOW = Workflow(Hearing, "state", HearingState, HEARING_TRANSITIONS)


def finding_may_start(report, actor):
    """Confirming a report gives notice of the intended finding: not once fraud is found, nor while such a
    notice is pending (the finding is then made on the application's page)."""
    app = report.application
    if app.fraud_finding:
        return "已认定该申报弄虚作假。"
    pending = Hearing.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=app.pk,
        kind=HearingKind.FRAUD,
        state__in=PENDING_HEARING,
    )
    if pending.exists():
        return "已就该申报发出拟认定弄虚作假告知书，请在申报页面作出认定。"
    return None


FRAUD_REPORT_TRANSITIONS = [
    Transition("confirm", {FraudReportState.SUBMITTED}, FraudReportState.CONFIRMED, PROVINCE, "第二十四条", "启动弄虚作假认定",
               guards=[finding_may_start]),
    Transition("dismiss", {FraudReportState.SUBMITTED}, FraudReportState.DISMISSED, PROVINCE, "第二十四条", "不予采纳",
               comment_required="请写明不予采纳的理由。"),
]  # fmt: skip
FRAUD_REPORT_WORKFLOW = Workflow(FraudReport, "state", FraudReportState, FRAUD_REPORT_TRANSITIONS)

APPEAL_OUTCOMES = {AppealState.UPHELD, AppealState.VARIED, AppealState.SET_ASIDE, AppealState.WITHDRAWN}
APPEAL_TRANSITIONS = [
    Transition("uphold",    {AppealState.PENDING}, AppealState.UPHELD,    PROVINCE, "行政复议法、行政诉讼法", "登记结果：维持原决定"),
    Transition("vary",      {AppealState.PENDING}, AppealState.VARIED,    PROVINCE, "行政复议法、行政诉讼法", "登记结果：变更原决定",
               comment_required="请写明变更的内容。"),
    Transition("set_aside", {AppealState.PENDING}, AppealState.SET_ASIDE, PROVINCE, "行政复议法、行政诉讼法", "登记结果：撤销原决定"),
    Transition("withdraw",  {AppealState.PENDING}, AppealState.WITHDRAWN, PROVINCE, "行政复议法、行政诉讼法", "登记结果：申请人撤回"),
]  # fmt: skip
APPEAL_WORKFLOW = Workflow(Appeal, "state", AppealState, APPEAL_TRANSITIONS)
