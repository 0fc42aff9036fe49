"""The province adjusts a base or merges it into another, by decision (Art. 4)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import allowed
from core.errors import Conflict, RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import AdjustmentForm, MergeForm
from ..models import Base
from .publishing import carry_digest

CONFIRM = "请核对下方将向社会公布的公告内容，确认无误后再作出决定。"


def _decide(request, form, *, preview, decide):
    """Two POSTs (SPEC 2.10, issue 14 (6)): the first shows the announcement the decision will publish, refused
    as the decision would be; the second, carrying its digest, decides. Returns (decided, draft shown)."""
    digest = form.cleaned_data["digest"]
    try:
        if digest:
            return decide(digest), None
    except Conflict as error:  # the text changed since it was previewed: show the new one
        show_refusal(request, error, form)
    except RuleViolation as error:
        show_refusal(request, error, form)
        return None, None
    try:
        draft = preview()
    except RuleViolation as error:
        show_refusal(request, error, form)
        return None, None
    if not digest:
        form.add_error(None, CONFIRM)
    carry_digest(form, draft)
    return None, draft


def _decided_message(request, adjustment, what):
    if adjustment.is_pending:
        messages.success(
            request,
            f"已作出{what}决定（{adjustment.decision.number}），自{adjustment.effective_on:%Y年%-m月%-d日}起生效，并发布公告。",
        )
    else:
        messages.success(request, f"已作出{what}决定（{adjustment.decision.number}）并生效，公告已发布。")


@allowed(Base, "adjust", load="pk")
def adjust(request, base):
    initial = {
        "training_fields": list(base.training_fields.all()),
        "institution_type": base.institution_type_id,
        "name": base.name,
        "institution": base.institution_id,
        "effective_on": timezone.localdate(),
    }
    form = AdjustmentForm(
        request.POST or None,
        initial=initial,
        fields=selectors.adjustable_fields(base),
        kinds=selectors.adjustable_kinds(base),
        institutions=selectors.building_units(),
    )
    draft = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        terms = {
            "reason": d["reason"],
            "effective_on": d["effective_on"],
            "training_fields": list(d["training_fields"]),
            "institution_type": d["institution_type"].code,
            "name": d["name"],
            "institution_id": d["institution"].pk,
        }
        adjustment, draft = _decide(
            request,
            form,
            preview=lambda: services.adjustment_preview(actor=request.user, base_id=base.pk, **terms),
            decide=lambda digest: services.adjust_base(
                actor=request.user, base_id=base.pk, expected_digest=digest, **terms
            ),
        )
        if adjustment is not None:
            _decided_message(request, adjustment, "基地调整")
            return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/adjust.html", {"base": base, "form": form, "draft": draft, "merging": False})


@allowed(Base, "merge", load="pk")
def merge(request, base):
    form = MergeForm(
        request.POST or None, initial={"effective_on": timezone.localdate()}, targets=selectors.merge_targets(base)
    )
    draft = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        terms = {"into_id": d["merged_into"].pk, "reason": d["reason"], "effective_on": d["effective_on"]}
        adjustment, draft = _decide(
            request,
            form,
            preview=lambda: services.merger_preview(actor=request.user, base_id=base.pk, **terms),
            decide=lambda digest: services.merge_base(
                actor=request.user, base_id=base.pk, expected_digest=digest, **terms
            ),
        )
        if adjustment is not None:
            _decided_message(request, adjustment, "基地合并")
            return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/adjust.html", {"base": base, "form": form, "draft": draft, "merging": True})
