"""An application's whole life on one screen (SPEC 2.2; Art. 8, 9, 24)."""

from django.db import models

from accounts.models import Role
from core.workflow import T, Workflow


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待推荐"
    RETURNED = "returned", "退回修改"
    NOT_RECOMMENDED = "not_recommended", "不予推荐"
    RECOMMENDED = "recommended", "已推荐"
    UNDER_REVIEW = "under_review", "省级审核"
    SITE_VISIT = "site_visit", "实地考察"
    APPROVED = "approved", "认定通过"
    REJECTED = "rejected", "不予认定"
    WITHDRAWN = "withdrawn", "已撤回"


# States in which an application is "in progress": the institution may not start another (SPEC 2.2).
IN_PROGRESS = frozenset(
    {State.DRAFT, State.SUBMITTED, State.RETURNED, State.RECOMMENDED, State.UNDER_REVIEW, State.SITE_VISIT}
)
ENDED = frozenset({State.NOT_RECOMMENDED, State.APPROVED, State.REJECTED, State.WITHDRAWN})
# Where the institution may still edit its figures and documents.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})

_ = frozenset
TRANSITIONS = [
    # action               from                                         to                     who               article
    T("submit",            _({State.DRAFT, State.RETURNED}),            State.SUBMITTED,       Role.INSTITUTION, "第八条第三项", "提交申报"),
    T("withdraw",          _(IN_PROGRESS),                              State.WITHDRAWN,       Role.INSTITUTION, "第八条第一项", "撤回申报", style="outline-danger"),
    T("recommend",         _({State.SUBMITTED}),                        State.RECOMMENDED,     Role.RECOMMENDER, "第八条第三项", "推荐", style="success"),
    T("return_recommender", _({State.SUBMITTED}),                       State.RETURNED,        Role.RECOMMENDER, "第八条第三项", "退回修改", comment_required=True, style="warning"),
    T("not_recommend",     _({State.SUBMITTED}),                        State.NOT_RECOMMENDED, Role.RECOMMENDER, "第八条第三项", "不予推荐", comment_required=True, style="danger"),
    T("start_review",      _({State.RECOMMENDED}),                      State.UNDER_REVIEW,    Role.PROVINCE,    "第八条第四项", "受理审核"),
    T("return_province",   _({State.UNDER_REVIEW}),                     State.RETURNED,        Role.PROVINCE,    "第八条第四项", "退回修改", comment_required=True, style="warning"),
    T("schedule_visit",    _({State.UNDER_REVIEW}),                     State.SITE_VISIT,      Role.PROVINCE,    "第八条第四项", "安排实地考察"),
    T("approve",           _({State.SITE_VISIT}),                       State.APPROVED,        Role.PROVINCE,    "第八条第四项、第九条", "认定通过", style="success"),
    T("reject",            _({State.UNDER_REVIEW, State.SITE_VISIT}),   State.REJECTED,        Role.PROVINCE,    "第八条第四项", "不予认定", comment_required=True, style="danger"),
]  # fmt: skip

WORKFLOW = Workflow(State, TRANSITIONS)

# Actions that need a form of their own (dates, team, fraud finding) rather than a plain comment box.
DEDICATED_FORMS = {"schedule_visit", "approve", "reject", "submit"}

# Who acts next in each state: the dashboard of "what waits for me" reads this.
NEXT_PARTY = {
    State.DRAFT: Role.INSTITUTION,
    State.RETURNED: Role.INSTITUTION,
    State.SUBMITTED: Role.RECOMMENDER,
    State.RECOMMENDED: Role.PROVINCE,
    State.UNDER_REVIEW: Role.PROVINCE,
    State.SITE_VISIT: Role.PROVINCE,
}

# A gentler name for the applicant where staff see the working name (Hypha's pattern).
APPLICANT_LABELS = {
    State.SUBMITTED: "待推荐单位审核",
    State.RECOMMENDED: "已推荐，待省人社厅审核",
    State.UNDER_REVIEW: "省人社厅审核中",
}
