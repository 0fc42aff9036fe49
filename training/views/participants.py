"""A class's participants: adding, editing and removing one, and revealing an ID number with a logged reason
(PIPL; only the base itself and the province)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import access
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import ParticipantForm, RevealForm
from ..models import Participant, TrainingClass
from .classes import CLASSES, not_a_post_for, refuse

PARTICIPANTS = Participant.objects.select_related("training_class__base", "region")


@allowed(TrainingClass, "edit", load="pk", queryset=CLASSES)
def participant_new(request, trainingclass):
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.add_participant(actor=request.user, class_id=trainingclass.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            refuse(request, error, form)
        else:
            messages.success(request, f"已将{participant.name}加入学员名单。")
            return redirect("training:class_detail", pk=trainingclass.pk)
    return render(
        request,
        "training/participant_form.html",
        {"training_class": trainingclass, "form": form, "participant": None},
    )


def _page(request, participant, *, form=None, reveal_form=None, revealed=None):
    return render(
        request,
        "training/participant_form.html",
        {
            "training_class": participant.training_class,
            "participant": participant,
            "form": form,
            "reveal_form": reveal_form or RevealForm(),
            "revealed": revealed,
            "disclosures": selectors.disclosures_of(participant)
            if access.can(request.user, "reveal_id", participant)
            else [],
        },
    )


@allowed(Participant, "view", load="pk", queryset=PARTICIPANTS)
def participant(request, participant):
    """A participant's facts (the ID number masked); the base edits them here."""
    not_a_post_for(request, Participant, "edit")
    editable = access.can(request.user, "edit", participant)
    if request.method == "POST" and not editable:
        show_refusal(request, access.refusal(request.user, "edit", participant))
        return redirect("training:participant", pk=participant.pk)
    form = (
        ParticipantForm(request.POST or None, initial=ParticipantForm.initial_for(participant), editing=True)
        if editable
        else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_participant(actor=request.user, participant_id=participant.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            refuse(request, error, form)
        else:
            messages.success(request, "已保存。")
            return redirect("training:class_detail", pk=participant.training_class_id)
    return _page(request, participant, form=form)


@allowed(Participant, "remove", load="pk", queryset=PARTICIPANTS)
@require_POST
def participant_remove(request, participant):
    try:
        services.remove_participant(actor=request.user, participant_id=participant.pk)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已将{participant.name}移出学员名单。")
    return redirect("training:class_detail", pk=participant.training_class_id)


@allowed(Participant, "reveal_id", load="pk", queryset=PARTICIPANTS)
@require_POST
def reveal_id(request, participant):
    """The full number, on this response only; the reveal is logged with who, when and why."""
    reveal_form = RevealForm(request.POST)
    revealed = None
    if reveal_form.is_valid():
        try:
            revealed = services.reveal_id_number(
                actor=request.user, participant_id=participant.pk, **reveal_form.cleaned_data
            )
        except RuleViolation as error:
            show_refusal(request, error, reveal_form)
    editable = access.can(request.user, "edit", participant)
    form = ParticipantForm(initial=ParticipantForm.initial_for(participant), editing=True) if editable else None
    response = _page(request, participant, form=form, reveal_form=reveal_form, revealed=revealed)
    response["Cache-Control"] = "no-store"
    return response
