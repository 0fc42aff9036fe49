"""The year's allocation as a state machine (Art. 13, 21, 22): drafted and scored, decided with a 文号, then
published. Shares and programmes change only while the round is a draft (services check the state)."""

from accounts.models import Role
from core.workflow import Transition, Workflow

from .models import AllocationRound, RoundState


def proposal_made(round_, user):
    if not round_.proposed_at:
        return "请先测算分配方案。"
    return None


def within_quotas(round_, user):
    for programme in round_.programmes.all():
        given = sum(share.allocated or 0 for share in programme.shares.all())
        if given > programme.quota:
            return f"“{programme.name}”分配合计{given}，超过任务总量{programme.quota}。"
    if not any(share.allocated for programme in round_.programmes.all() for share in programme.shares.all()):
        return "尚未向任何基地分配任务。"
    return None


ROUND_TRANSITIONS = [
    # action      from                     to                       who            article                  label
    Transition("confirm", {RoundState.DRAFT},     RoundState.CONFIRMED, Role.PROVINCE, "第十三条、第二十一条、第二十二条", "确定分配并印发决定",
               guards=[proposal_made, within_quotas]),
    Transition("publish", {RoundState.CONFIRMED}, RoundState.PUBLISHED, Role.PROVINCE, "第二十一条", "公布分配结果"),
]  # fmt: skip
ROUND_WORKFLOW = Workflow(AllocationRound, "state", RoundState, ROUND_TRANSITIONS)
