"""Spot-check draw pages (Art. 21)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bases.views.publishing import preview
from core.access import allowed
from core.errors import RuleViolation
from core.forms import ConfirmPublishForm, show_refusal

from .. import selectors, services
from ..forms import (
    DrawForm,
)
from ..models import (
    InspectionState,
    SpotCheckDraw,
)
from . import PAGE_SIZE


@allowed("plan_inspections")
def draw_list(request):
    page = Paginator(selectors.draws(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/draws.html", {"page_obj": page})


@allowed("plan_inspections")
def draw_new(request):
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draw = services.draw_spot_check(
                actor=request.user,
                size=d["size"],
                scheduled_on=d["scheduled_on"],
                province_team=d["province_team"],
                region=d["region"],
                institution_type=d["institution_type"].code if d["institution_type"] else "",
                status=d["status"],
                assign_inspectors=d["assign_inspectors"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已随机抽取{len(draw.sampled_ids)}家基地并安排抽查。")
            return redirect("supervision:draw", pk=draw.pk)
    return render(request, "supervision/draw_form.html", {"form": form})


@allowed("plan_inspections", load="pk", model=SpotCheckDraw)
def draw_detail(request, spotcheckdraw):
    draw = spotcheckdraw
    sampled, assignments = services.replay_draw(draw)
    inspections = list(draw.inspections.select_related("base__region", "inspector_unit").order_by("id"))
    return render(
        request,
        "supervision/draw_detail.html",
        {
            "draw": draw,
            "inspections": inspections,
            "reproduced": sampled == draw.sampled_ids and assignments == draw.assignments,
            "candidate_count": len(draw.candidate_ids),
            "all_confirmed": all(
                i.state in (InspectionState.CONFIRMED, InspectionState.PUBLISHED) for i in inspections
            ),
        },
    )


@allowed("plan_inspections", load="pk", model=SpotCheckDraw)
@require_POST
def draw_publish(request, spotcheckdraw):
    """The draw's results: previewed word for word, published on confirmation (Art. 21; issue 14, point 6)."""
    draw = spotcheckdraw
    confirm = ConfirmPublishForm(request.POST)
    if confirm.is_valid():
        try:
            announcement = services.publish_draw(
                actor=request.user, draw_id=draw.pk, expected_digest=confirm.cleaned_data["digest"]
            )
        except RuleViolation as error:
            show_refusal(request, error)  # e.g. the results changed since the preview: the new one is shown
        else:
            if announcement is None:
                messages.success(request, "该次抽查的结果均已逐一公布。")
                return redirect("supervision:draw", pk=draw.pk)
            messages.success(request, "抽查结果已向社会公布。")
            return redirect("public:announcement", pk=announcement.pk)
    try:
        drafts = services.draw_drafts(draw)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("supervision:draw", pk=draw.pk)
    if not drafts:  # every result was published one by one: nothing to preview, the draw is marked published
        services.publish_draw(actor=request.user, draw_id=draw.pk)
        messages.success(request, "该次抽查的结果均已逐一公布。")
        return redirect("supervision:draw", pk=draw.pk)
    url = reverse("supervision:draw_publish", args=[draw.pk])
    back = reverse("supervision:draw", args=[draw.pk])
    return preview(request, drafts, action=url, back=back, back_label="抽查详情")
