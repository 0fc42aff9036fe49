"""The year's allocation as a state machine (Art. 13, 21, 22): drafted and scored, decided with a 文号, then
published. Shares and programmes change only while the round is a draft (services check the state)."""

from django.db.models import Sum
from django.db.models.functions import Coalesce

from accounts.models import Role
from core.workflow import Transition, Workflow

from .models import AllocationRound, RoundState


def proposal_made(round_, user):
    if not round_.proposed_at:
        return "请先测算分配方案。"
    return None


def within_quotas(round_, user):
    """Each programme's shares stay within its quota, and some base was given a task: 1 query."""
    given = round_.programmes.annotate(given=Coalesce(Sum("shares__allocated"), 0)).values_list(
        "name", "quota", "given"
    )
    for name, quota, total in given:
        if total > quota:
            return f"“{name}”分配合计{total}，超过任务总量{quota}。"
    if not any(total for _, _, total in given):
        return "尚未向任何基地分配任务。"
    return None


ROUND_TRANSITIONS = [
    # action      from                     to                       who            article                  label
    Transition("confirm", {RoundState.DRAFT},     RoundState.CONFIRMED, Role.PROVINCE, "第十三条、第二十一条、第二十二条", "确定分配并印发决定",
               guards=[proposal_made, within_quotas]),
    Transition("publish", {RoundState.CONFIRMED}, RoundState.PUBLISHED, Role.PROVINCE, "第二十一条", "公布分配结果"),
]  # fmt: skip
ROUND_WORKFLOW = Workflow(AllocationRound, "state", RoundState, ROUND_TRANSITIONS)
