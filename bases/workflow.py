"""The annual filing's life (Art. 19): the same shape as an application's."""

from jxjy_portal.users.models import Role
from jxjy_portal.workflow import T, Workflow

from .models import FilingState

_ = frozenset
FILING_TRANSITIONS = [
    # action             from                                           to                      who               article
    T("submit",          _({FilingState.DRAFT, FilingState.RETURNED}), FilingState.SUBMITTED,  Role.INSTITUTION, "第十九条", "提交备案"),
    T("accept",          _({FilingState.SUBMITTED}),                    FilingState.ACCEPTED,   Role.PROVINCE,    "第十九条", "予以备案", style="success"),
    T("return",          _({FilingState.SUBMITTED}),                    FilingState.RETURNED,   Role.PROVINCE,    "第十九条", "退回修改", comment_required=True, style="warning"),
]  # fmt: skip

FILING_WORKFLOW = Workflow(FilingState, FILING_TRANSITIONS)
EDITABLE_FILING = frozenset({FilingState.DRAFT, FilingState.RETURNED})
