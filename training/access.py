"""Who sees which classes and participants (issue 17, point 1): the base's institution its own, the province
all, the recommending unit those of the bases it recommended (read-only); and who may reveal an ID number
(point 4): only the base itself and the province."""

from django.db.models import Q

from accounts.models import Role
from applications.access import recommender_routing
from bases.access import owned_by_base
from bases.workflow import permit_while_live
from core import access
from core.access import EVERYTHING, NOTHING, rule

from .models import Participant, TrainingClass, TrainingImport

rule(TrainingClass)(owned_by_base)


@rule(Participant)
def _participant(user) -> Q:
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(training_class__base__institution_id=user.institution_id)
    if user.role == Role.RECOMMENDER:
        return recommender_routing(user, "training_class__base__")
    return NOTHING


@rule(TrainingImport)
def _import(user) -> Q:
    # an upload and its report are the base's own business and the province's; no recommender sees ID numbers
    if user.role == Role.PROVINCE:
        return EVERYTHING
    if user.role == Role.INSTITUTION:
        return Q(base__institution_id=user.institution_id)
    return NOTHING


# -- who may do what ----------------------------------------------------------------------------------------

INSTITUTION, RECOMMENDER, PROVINCE = Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE


def base_is_live(training_class, user):
    base = training_class.base
    if not base.is_live:
        return f"基地当前状态为「{base.get_status_display()}」，不能再维护培训记录。"
    return None


def class_base_is_live(participant, user):
    return base_is_live(participant.training_class, user)


def has_no_participants(training_class, user):
    if training_class.participants.exists():
        return "该培训班已有学员，请先移除学员再删除培训班。"
    return None


# The base records its classes while it holds its recognition (Art. 13, 18).
KEEP_TRAINING = permit_while_live(
    "keep_training", roles={INSTITUTION}, message="基地资格已撤销或取消，不能再登记培训班。"
)
access.permit(TrainingClass, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})
access.permit(TrainingClass, "edit", roles={INSTITUTION}, guards=(base_is_live,))
access.permit(TrainingClass, "delete", roles={INSTITUTION}, guards=(base_is_live, has_no_participants))
access.permit(Participant, "view", roles={INSTITUTION, RECOMMENDER, PROVINCE})
access.permit(Participant, "edit", roles={INSTITUTION}, guards=(class_base_is_live,))
access.permit(Participant, "remove", roles={INSTITUTION}, guards=(class_base_is_live,))
access.permit(TrainingImport, "view", roles={INSTITUTION, PROVINCE})
# PIPL: the full number is for the base that collected it and the province; the recommending unit never sees it.
access.permit(Participant, "reveal_id", roles={INSTITUTION, PROVINCE})

# The province's list of every base's classes; the recommending unit's of the bases it recommended.
access.capability("browse_training", roles={RECOMMENDER, PROVINCE})
# The attendance and results sheet (Art. 18) lists masked numbers; the base prints it, the province may too.
access.permit(TrainingClass, "print_sheet", roles={INSTITUTION, PROVINCE})

# A trainee's learning record across all bases (Art. 28) is found by the full ID number and shows it: the
# province's alone (the platform reads it through the API's province token).
access.capability("view_learning_records", roles={PROVINCE})
