"""A base's classes (Art. 13, 14): the list, adding, editing and deleting a class; the province's and the
recommending unit's list across bases."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bases.models import Base
from core import access
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import ClassFilterForm, ParticipantForm, ProvinceClassFilterForm, TrainingClassForm
from ..models import TrainingClass
from . import PAGE_SIZE

BASES = Base.objects.select_related("institution")
CLASSES = TrainingClass.objects.select_related("base")


@allowed(Base, "view", load="pk", queryset=BASES)
def base_classes(request, base):
    filters = ClassFilterForm(request.GET or None)
    rows = selectors.classes_of(request.user, base, lookups=filters.lookups())
    page = counted_page(rows, request)
    return render(request, "training/base_classes.html", {"base": base, "filters": filters, "page_obj": page})


@allowed("browse_training")
def all_classes(request):
    """The province's list of every base's classes; a recommending unit's of the bases it recommended."""
    bases = selectors.bases_with_classes(request.user)
    filters = ProvinceClassFilterForm(request.GET or None, bases=bases)
    rows = selectors.classes_for(request.user, lookups=filters.lookups())
    page = counted_page(rows, request)
    return render(request, "training/all_classes.html", {"filters": filters, "page_obj": page})


@allowed(Base, "keep_training", load="pk", queryset=BASES)
def class_new(request, base):
    form = TrainingClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_class = services.add_class(actor=request.user, base_id=base.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            refuse(request, error, form)
        else:
            messages.success(request, f"已登记培训班「{training_class.title}」，请添加学员。")
            return redirect("training:class_detail", pk=training_class.pk)
    return render(request, "training/class_form.html", {"base": base, "form": form, "training_class": None})


@allowed(TrainingClass, "view", load="pk", queryset=CLASSES)
def class_detail(request, trainingclass):
    return render(
        request,
        "training/class_detail.html",
        {
            "training_class": trainingclass,
            "base": trainingclass.base,
            "participants": selectors.participants_of(request.user, trainingclass),
            "form": ParticipantForm() if access.can(request.user, "edit", trainingclass) else None,
        },
    )


@allowed(TrainingClass, "edit", load="pk", queryset=CLASSES)
def class_edit(request, trainingclass):
    form = TrainingClassForm(request.POST or None, initial=TrainingClassForm.initial_for(trainingclass))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_class(actor=request.user, class_id=trainingclass.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            refuse(request, error, form)
        else:
            messages.success(request, "已保存。")
            return redirect("training:class_detail", pk=trainingclass.pk)
    return render(
        request,
        "training/class_form.html",
        {"base": trainingclass.base, "form": form, "training_class": trainingclass},
    )


@allowed(TrainingClass, "delete", load="pk", queryset=CLASSES)
@require_POST
def class_delete(request, trainingclass):
    try:
        services.delete_class(actor=request.user, class_id=trainingclass.pk)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("training:class_detail", pk=trainingclass.pk)
    messages.success(request, f"已删除培训班「{trainingclass.title}」。")
    return redirect("training:base_classes", pk=trainingclass.base_id)


def counted_page(rows, request):
    """The page asked for, its classes with their participant counts."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_participant_counts(page.object_list)
    return page


def refuse(request, error, form):
    if isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        show_refusal(request, error, form)


def not_a_post_for(request, model, action):
    if request.method == "POST" and not access.may_ever(request.user, model, action):
        raise Http404
