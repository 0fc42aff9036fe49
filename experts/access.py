"""Who sees the expert pool and the panels: the province all of them; an expert only its own seats."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.models import Role
from core import access
from core.access import EVERYTHING, NOTHING, rule

from . import workflow  # noqa: F401 - the seat's actions register with its table
from .models import Assignment, AssignmentState, Draw, Expert, Panel, ScoreDocument, ScoreSheet, SheetState, Tie
from .workflow import seat_declared


@rule(Expert, Tie, Panel, Draw)
def _pool(user) -> Q:
    return EVERYTHING if user.role == Role.PROVINCE else NOTHING


@rule(Assignment)
def _assignment(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.EXPERT:
        return Q(expert__user_id=user.pk)
    return NOTHING


@rule(ScoreSheet)
def _sheet(user) -> Q:
    """An expert's scored forms: the province sees all; the expert only those of its own seats."""
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.EXPERT:
        return Q(assignment__expert__user_id=user.pk)
    return NOTHING


@rule(ScoreDocument)
def _sheet_document(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.EXPERT:
        return Q(sheet__assignment__expert__user_id=user.pk)
    return NOTHING


access.permit(Assignment, "view", roles={Role.PROVINCE, Role.EXPERT})
# the expert fills its scored form only once it has declared free of conflict (Art. 26)
access.permit(
    Assignment,
    "score",
    roles={Role.EXPERT},
    states={AssignmentState.DECLARED},
    state_message="本评审任务的状态为「{state}」，不能填写评分表：须先声明无利害关系，回避、谢绝或被撤回的专家不评分。",
)
access.permit(ScoreSheet, "view", roles={Role.PROVINCE, Role.EXPERT})
# a submitted form is locked: only a draft is edited, and a correction is a new version of a submitted one
access.permit(
    ScoreSheet,
    "edit",
    roles={Role.EXPERT},
    states={SheetState.DRAFT},
    guards=[seat_declared],
    state_message="该评分表{state}，不能修改；如需更正，请提交更正版本。",
)
access.permit(
    ScoreSheet,
    "correct",
    roles={Role.EXPERT},
    states={SheetState.SUBMITTED},
    guards=[seat_declared],
    state_message="该评分表{state}，只能更正最新提交的版本。",
)
# keeping the pool and drawing panels (Art. 26)
access.capability("manage_experts", roles={Role.PROVINCE})


def judged_by(user, model, path: str = "pk") -> Q:
    """The rows of `model` (reached through `path`) whose case the expert `user` sits on, declared free of
    conflict: the read-only scope a case's own app grants its experts (Art. 26). Nothing before the
    declaration, and nothing after a conflict, a refusal or a withdrawal."""
    cases = Assignment.objects.filter(
        expert__user_id=user.pk,
        state=AssignmentState.DECLARED,
        panel__case_type=ContentType.objects.get_for_model(model),
    ).values("panel__case_id")
    return Q(**{f"{path}__in": cases})


# An expert reads a case's material, not how it was handled: the comments of recommenders, reviewers and
# inspectors in a case's history are for those who handle it.
access.capability("see_case_history", roles=set(Role) - {Role.EXPERT})
