"""The province's view of the panels (Art. 26): each panel's seats and every draw behind them, with its seed,
the experts considered, each exclusion and its reason, the candidates and the experts drawn, and the
replayed draw (复核抽取) — the audit view, with each expert's scored form and the panel's aggregate; and drawing for seats nobody was left to fill."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import PanelForm
from ..models import Panel
from . import PAGE_SIZE


@allowed("manage_experts")
def panel_list(request):
    page = Paginator(selectors.panels(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/panels.html", {"page_obj": page})


@allowed("manage_experts", load="pk", queryset=Panel.objects.select_related("institution__region", "created_by"))
def panel_detail(request, panel):
    return render(
        request,
        "experts/panel.html",
        {
            "panel": panel,
            "seats": selectors.seats(panel, request.user),
            "draws": selectors.panel_audit(panel),
            "vacancies": services.vacancies(panel),
            "sheets": selectors.panel_sheets(panel, request.user),
            "aggregate": selectors.panel_aggregate(panel),
        },
    )


@allowed("manage_experts", load="pk", model=Panel)
@require_POST
def panel_fill(request, panel):
    try:
        draw = services.fill_panel(actor=request.user, panel_id=panel.pk)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已补抽{len(draw.drawn_ids)}名专家，并通知其声明。")
    return redirect("experts:panel", pk=panel.pk)


def form_panel(request, *, case, purpose, institution, label, items, back):
    """Form the panel of `case` from the province's page of that case (the case's own view has checked that
    the user may): draw its experts and go back to the case, or show the form again with what was typed."""
    form = PanelForm(request.POST)
    if form.is_valid():
        try:
            panel = services.create_panel(
                actor=request.user,
                purpose=purpose,
                case=case,
                institution=institution,
                case_label=label,
                fields=form.cleaned_data["fields"],
                size=form.cleaned_data["size"],
                items=items,
                same_city_excluded=form.cleaned_data["same_city_excluded"],
            )
        except RuleViolation as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, f"已随机抽取{panel.size}名专家组成评审专家组，并通知其在期限内声明。")
            return redirect(back)
    return form
