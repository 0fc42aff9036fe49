"""Every write on training records (issue 17, point 1): a base's classes and their participants, and the
logged reveal of a participant's ID number (PIPL, point 4). The history of each row is kept by simple_history."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from bases.models import Base
from core import access, pii
from core.errors import RuleViolation

from ..models import Mode, Participant, PiiDisclosure, TrainingClass

CLASS_FIELDS = (
    "title",
    "service_form",
    "field",
    "starts_on",
    "ends_on",
    "hours",
    "mode",
    "venue",
    "is_public_benefit",
    "planned_trainees",
    "record_id",
)
PARTICIPANT_FIELDS = ("name", "employer", "region", "from_priority_area", "hours_attended", "result", "record_id")


def hours_text(hours: Decimal) -> str:
    """24.0 → "24", 1.5 → "1.5"."""
    return f"{Decimal(hours).normalize():f}"


def touch_class(class_id: int) -> None:
    """Mark a class changed when its trainees change, so the platform's pull of results since a moment (the API's
    /v1/results, Art. 18) finds it; no history row (updated_at is not kept in the history)."""
    TrainingClass.objects.filter(pk=class_id).update(updated_at=timezone.now())


def _values(values: dict, names) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in names}


def _check_class(training_class: TrainingClass) -> None:
    if training_class.ends_on < training_class.starts_on:
        raise RuleViolation("结业日期不能早于开班日期。", field="ends_on")
    if training_class.hours is None or training_class.hours <= 0:
        raise RuleViolation("学时应大于0。", field="hours")
    if training_class.mode == Mode.ONLINE:
        training_class.venue = ""
    elif not training_class.venue:
        raise RuleViolation("线下或线上线下结合的培训班请填写培训地点。", field="venue")
    training_class.full_clean(exclude=["base"], validate_constraints=False)
    if training_class.record_id:
        others = TrainingClass.objects.filter(base_id=training_class.base_id, record_id=training_class.record_id)
        if others.exclude(pk=training_class.pk).exists():
            raise RuleViolation("本基地已有使用该班级编号的培训班，请换一个编号。", field="record_id")


@transaction.atomic
def add_class(*, actor: User, base_id, **values) -> TrainingClass:
    """The base records a class it runs (Art. 13; the public-benefit flag and trainee areas of Art. 14)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "keep_training", base)
    training_class = TrainingClass(base=base, **_values(values, CLASS_FIELDS))
    _check_class(training_class)
    training_class._change_reason = "新增"
    training_class.save()
    return training_class


@transaction.atomic
def edit_class(*, actor: User, class_id, **values) -> TrainingClass:
    """The base corrects a class; the change is kept in its history."""
    training_class = access.get_visible_or_404(
        actor, TrainingClass.objects.select_for_update().select_related("base"), pk=class_id
    )
    access.require(actor, "edit", training_class)
    for name, value in _values(values, CLASS_FIELDS).items():
        setattr(training_class, name, value)
    _check_class(training_class)
    most = max((p.hours_attended for p in training_class.participants.only("hours_attended")), default=None)
    if most is not None and most > training_class.hours:
        raise RuleViolation(f"已有学员的参训学时为{hours_text(most)}学时，总学时不能少于此数。", field="hours")
    training_class._change_reason = "修改"
    training_class.save()
    return training_class


@transaction.atomic
def delete_class(*, actor: User, class_id) -> None:
    """The base deletes a class entered by mistake; a class with participants is kept."""
    training_class = access.get_visible_or_404(
        actor, TrainingClass.objects.select_for_update().select_related("base"), pk=class_id
    )
    access.require(actor, "delete", training_class)
    training_class._change_reason = "删除"
    training_class.delete()


def _check_participant(participant: Participant, training_class: TrainingClass) -> None:
    hours = participant.hours_attended
    if hours is None or hours < 0:
        raise RuleViolation("参训学时不能为负数。", field="hours_attended")
    if hours > training_class.hours:
        raise RuleViolation(f"学时超过培训班总学时（{hours_text(training_class.hours)}学时）。", field="hours_attended")
    participant.full_clean(exclude=["training_class", "id_number_sealed", "id_fingerprint", "id_masked"])


def _set_id_number(participant: Participant, id_number: str) -> None:
    if (error := pii.id_number_error(id_number)) is not None:
        raise RuleViolation(error, field="id_number")
    participant.id_number_sealed = pii.seal(id_number)
    participant.id_fingerprint = pii.fingerprint(id_number)
    participant.id_masked = pii.mask(id_number)


def _save_participant(participant: Participant) -> None:
    duplicate = Participant.objects.filter(
        training_class_id=participant.training_class_id, id_fingerprint=participant.id_fingerprint
    ).exclude(pk=participant.pk)
    if duplicate.exists():
        raise RuleViolation("该学员已在本培训班名单中。", field="id_number")
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:  # the same person added at the same moment by another request
        raise RuleViolation("该学员已在本培训班名单中。", field="id_number") from None


@transaction.atomic
def add_participant(*, actor: User, class_id, id_number: str, **values) -> Participant:
    """The base adds a trainee to a class; the ID number is checked (GB 11643) and stored sealed only."""
    training_class = access.get_visible_or_404(
        actor, TrainingClass.objects.select_for_update().select_related("base"), pk=class_id
    )
    access.require(actor, "edit", training_class)
    participant = Participant(training_class=training_class, **_values(values, PARTICIPANT_FIELDS))
    _set_id_number(participant, id_number)
    _check_participant(participant, training_class)
    participant._change_reason = "新增"
    _save_participant(participant)
    touch_class(training_class.pk)
    return participant


@transaction.atomic
def edit_participant(*, actor: User, participant_id, id_number: str = "", **values) -> Participant:
    """The base corrects a trainee's facts; a blank ID number keeps the stored one."""
    participant = access.get_visible_or_404(
        actor,
        Participant.objects.select_for_update().select_related("training_class__base"),
        pk=participant_id,
    )
    access.require(actor, "edit", participant)
    for name, value in _values(values, PARTICIPANT_FIELDS).items():
        setattr(participant, name, value)
    if id_number and id_number.strip():
        _set_id_number(participant, id_number)
    _check_participant(participant, participant.training_class)
    participant._change_reason = "修改"
    _save_participant(participant)
    touch_class(participant.training_class_id)
    return participant


@transaction.atomic
def remove_participant(*, actor: User, participant_id) -> None:
    """The base takes a trainee off a class's list (the reveal log keeps its rows)."""
    participant = access.get_visible_or_404(
        actor,
        Participant.objects.select_for_update().select_related("training_class__base"),
        pk=participant_id,
    )
    access.require(actor, "remove", participant)
    participant._change_reason = "移除"
    participant.delete()
    touch_class(participant.training_class_id)


@transaction.atomic
def reveal_id_number(*, actor: User, participant_id, reason: str) -> str:
    """Show a participant's full ID number to the base or the province, logging who, when and why (PIPL)."""
    participant = access.get_visible_or_404(actor, Participant.objects.all(), pk=participant_id)
    access.require(actor, "reveal_id", participant)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("请填写查看完整身份证号码的理由。", field="reason")
    PiiDisclosure.objects.create(
        participant=participant,
        participant_name=participant.name,
        id_masked=participant.id_masked,
        user=actor,
        reason=reason[:500],
    )
    return pii.unseal(participant.id_number_sealed)
