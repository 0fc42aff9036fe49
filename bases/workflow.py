"""The base's legal status (Art. 23, 24), its change filings (Art. 31) and annual filings (Art. 19), and what
a live base means for an institution's next application (Art. 8)."""

from django.utils import timezone

from accounts.models import Role
from applications.rules import Problem, eligibility_check
from core import access
from core.workflow import SYSTEM, Transition, Workflow

from .models import (
    LIVE_STATUSES,
    WORKING_STATUSES,
    Adjustment,
    AnnualFiling,
    Base,
    BaseStatus,
    ChangeFiling,
    ChangeFilingState,
    Course,
    FilingState,
    Teacher,
)

INSTITUTION, RECOMMENDER, PROVINCE = Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE


def not_decided_before(base, actor):
    """A base has one decision that ends it; once taken, only its effective date remains to come."""
    decided = base.revocation
    if decided is None:
        return None
    if decided.is_pending and decided.effective_on <= timezone.localdate():
        return None  # the day has come: the decision takes effect
    return f"已作出{decided.word}决定，自{decided.effective_on:%Y年%-m月%-d日}起生效。"


def no_adjustment_pending(base, actor):
    """One adjustment at a time: a decided one takes effect before the next is decided (Art. 4)."""
    pending = Adjustment.objects.pending().filter(base=base).select_related("decision").first()
    if pending is None:
        return None
    if pending.is_merger and pending.effective_on <= timezone.localdate():
        return None  # the day has come: the merger takes effect
    number = pending.decision.number if pending.decision_id else ""
    return (
        f"已作出基地{pending.get_kind_display()}决定（{number}），自{pending.effective_on:%Y年%-m月%-d日}起生效；"
        "生效后方可再作调整。"
    )


# A base is created 正常 by the recognition decision (bases.services.approve); from then on only these
# moves change its status. The supervision services take them.
BASE_TRANSITIONS = [
    # action                 from                      to                       who       article
    Transition("order_rectification", WORKING_STATUSES, BaseStatus.RECTIFYING,  PROVINCE, "第二十三条第一款", "责令限期整改"),
    # taken when the last open rectification order passes (supervision.services.verify_rectification)
    Transition("restore",    {BaseStatus.RECTIFYING},  BaseStatus.ACTIVE,       PROVINCE, "第二十三条", "整改通过，恢复正常"),
    # taken by the province on the day of the decision, or by the daily job on a later effective date
    Transition("revoke",     LIVE_STATUSES,            BaseStatus.REVOKED,      {PROVINCE, SYSTEM}, "第二十三条", "撤销基地资格",
               guards=[not_decided_before]),
    Transition("cancel",     LIVE_STATUSES,            BaseStatus.CANCELLED,    {PROVINCE, SYSTEM}, "第二十三条第二款", "取消基地资格",
               guards=[not_decided_before]),
    # Art. 23 second list (2): the building unit is dissolved, merged or restructured; work stops for a while
    Transition("suspend",    WORKING_STATUSES,         BaseStatus.SUSPENDED,    PROVINCE, "第二十三条第二款第二项", "暂停基地工作",
               guards=[not_decided_before]),
    Transition("resume",     {BaseStatus.SUSPENDED},   BaseStatus.ACTIVE,       PROVINCE, "第二十三条第二款第二项", "恢复基地工作",
               comment_required="请写明恢复的依据（如新的建设单位、批准文件）。"),
    # suspended while under rectification: restored, it is still to rectify
    Transition("resume_rectifying", {BaseStatus.SUSPENDED}, BaseStatus.RECTIFYING, PROVINCE, "第二十三条第二款第二项",
               "恢复基地工作（整改中）", comment_required="请写明恢复的依据（如新的建设单位、批准文件）。"),
    # a revocation or cancellation set aside on appeal (行政复议, 行政诉讼) gives back the status it ended
    # Art. 4: merged into another base by the province's decision, on its effective date (or by the daily job)
    Transition("merge",      LIVE_STATUSES,            BaseStatus.MERGED,       {PROVINCE, SYSTEM}, "第四条", "合并至其他基地",
               guards=[not_decided_before, no_adjustment_pending]),
    Transition("reinstate",  {BaseStatus.REVOKED, BaseStatus.CANCELLED}, BaseStatus.ACTIVE, PROVINCE, "行政复议法、行政诉讼法",
               "原决定被撤销，恢复基地资格"),
    Transition("reinstate_rectifying", {BaseStatus.REVOKED, BaseStatus.CANCELLED}, BaseStatus.RECTIFYING, PROVINCE,
               "行政复议法、行政诉讼法", "原决定被撤销，恢复基地资格（整改中）"),
]  # fmt: skip
BASE_WORKFLOW = Workflow(Base, "status", BaseStatus, BASE_TRANSITIONS)

CHANGE_TRANSITIONS = [
    Transition("accept",     {ChangeFilingState.SUBMITTED}, ChangeFilingState.ACCEPTED, PROVINCE, "第三十一条", "予以备案"),
    Transition("return",     {ChangeFilingState.SUBMITTED}, ChangeFilingState.RETURNED, PROVINCE, "第三十一条", "退回修改",
               comment_required="退回时请填写意见。"),
]  # fmt: skip
CHANGE_WORKFLOW = Workflow(ChangeFiling, "state", ChangeFilingState, CHANGE_TRANSITIONS)

FILING_TRANSITIONS = [
    # action               from                                      to                     who               article
    Transition("submit",   {FilingState.DRAFT, FilingState.RETURNED}, FilingState.SUBMITTED, Role.INSTITUTION, "第十九条", "提交备案"),
    Transition("accept",   {FilingState.SUBMITTED},                   FilingState.ACCEPTED,  Role.PROVINCE,    "第十九条", "予以备案"),
    Transition("return",   {FilingState.SUBMITTED},                   FilingState.RETURNED,  Role.PROVINCE,    "第十九条", "退回修改", comment_required=True),
]  # fmt: skip

FILING_WORKFLOW = Workflow(AnnualFiling, "state", FilingState, FILING_TRANSITIONS)
EDITABLE_FILING = frozenset({FilingState.DRAFT, FilingState.RETURNED})


@eligibility_check
def runs_no_live_base(institution) -> Problem | None:
    """An institution that already runs a live base does not apply again (Art. 8)."""
    if Base.objects.live().filter(institution=institution).exists():
        return Problem("该机构已是省级继续教育基地，无需重复申报", "第八条")
    return None


# -- what a base's people may do that changes no status -----------------------------------------------

ENDED_MESSAGE = "基地当前状态为「{state}」，不能办理此事项。"


def published(base, user):
    if not base.published_at:
        return "该基地尚未公布，公布后方可下载匾牌。"
    return None


def holds_recognition(base, user):
    # a plaque whose code would not verify as a current base must not be printed
    if not base.is_live:
        return "该基地资格已撤销或取消，不能下载匾牌。"
    return None


PLAQUE = access.permit(Base, "download_plaque", roles={INSTITUTION, PROVINCE}, guards=(published, holds_recognition))


def permit_while_live(action: str, *, roles, message: str = ENDED_MESSAGE, guards=()):
    """Declare an action on a base that only a live base (正常 or 整改中) allows."""
    return access.permit(
        Base, action, roles=roles, states=LIVE_STATUSES, state_field="status", state_message=message, guards=guards
    )


DISCLOSE_FEES = permit_while_live(
    "disclose_fees", roles={INSTITUTION}, message="基地资格已撤销或取消，不能再更新收费公开信息。"
)
FILE_CHANGE = permit_while_live("file_change", roles={INSTITUTION}, message="基地资格已撤销或取消，不能办理变更备案。")
# The base's institution opens its annual filing for a year while the base holds its recognition (Art. 19).
START_FILING = permit_while_live(
    "start_filing", roles={INSTITUTION}, message="基地资格已撤销或取消，无需再报送年度计划。"
)
# The province schedules inspections of a live base (Art. 20, 21).
SCHEDULE_INSPECTION = access.permit(
    Base,
    "schedule_inspection",
    roles={PROVINCE},
    states=WORKING_STATUSES,
    state_field="status",
    state_message="基地当前状态为「{state}」，不能安排考核。",
)

# Art. 4: the province adjusts a live base's fields, type, name or building unit by decision.
ADJUST = access.permit(
    Base,
    "adjust",
    roles={PROVINCE},
    states=LIVE_STATUSES,
    state_field="status",
    state_message="基地当前状态为「{state}」，不能调整。",
    guards=(not_decided_before, no_adjustment_pending),
)

# The institution keeps its filings while the filing is a draft or returned to it (Art. 19).
EDIT_FILING = access.permit(
    AnnualFiling,
    "edit",
    roles={INSTITUTION},
    states=EDITABLE_FILING,
    state_message="年度报告当前状态为「{state}」，不能修改。",
)

# The base keeps its faculty pool (Art. 16) and its courseware review log (Art. 18) while it holds its
# recognition; the province and the recommending unit read them.
KEEP_FACULTY = permit_while_live(
    "keep_faculty", roles={INSTITUTION}, message="基地资格已撤销或取消，不能再维护师资队伍库。"
)
KEEP_COURSEWARE = permit_while_live(
    "keep_courseware", roles={INSTITUTION}, message="基地资格已撤销或取消，不能再登记课件审核。"
)


def base_is_live(record, user):
    if not record.base.is_live:
        return f"基地当前状态为「{record.base.get_status_display()}」，不能办理此事项。"
    return None


def still_in_pool(teacher, user):
    if teacher.active_to is not None:
        return f"该教师已于{teacher.active_to:%Y年%-m月%-d日}退出师资队伍库。"
    return None


EDIT_TEACHER = access.permit(Teacher, "edit", roles={INSTITUTION}, guards=(base_is_live,))
END_TEACHER = access.permit(Teacher, "end", roles={INSTITUTION}, guards=(base_is_live, still_in_pool))
REVIEW_COURSE = access.permit(Course, "review", roles={INSTITUTION}, guards=(base_is_live,))
