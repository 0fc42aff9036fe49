"""The annual filing's life (Art. 19), and what a base means for an institution's next application."""

from accounts.models import Role
from applications.rules import Problem, eligibility_check
from core.workflow import Transition, Workflow

from .models import AnnualFiling, Base, FilingState

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
