"""The three-year inspection plan pages (Art. 20): the plans, a plan by month with each unit's load, moving a
base, the bases the plan could not fit and why, accepting it; the units' monthly capacities."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import access
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import AcceptPlanForm, CapacityForm, MoveForm
from ..models import InspectionPlan
from . import PAGE_SIZE


@allowed("plan_inspections")
def plan_list(request):
    page = Paginator(selectors.plans(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/plans.html", {"page_obj": page})


@allowed("plan_inspections")
@require_POST
def plan_new(request):
    try:
        plan = services.propose_plan(actor=request.user)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("supervision:plans")
    messages.success(request, "已生成三年考核计划草案，请核对后确定。")
    return redirect("supervision:plan", pk=plan.pk)


@allowed(InspectionPlan, "view", load="pk")
def plan_detail(request, inspectionplan, accept_form=None, status=200):
    plan = inspectionplan
    months = selectors.plan_months(plan)
    return render(
        request,
        "supervision/plan_detail.html",
        {
            "plan": plan,
            "months": months,
            "placed_count": sum(len(m.entries) for m in months),
            "unplaced_count": selectors.unplaced_entries(plan).count(),
            "accept_form": accept_form or AcceptPlanForm(initial={"expected_state": plan.state}),
        },
        status=status,
    )


@allowed(InspectionPlan, "view", load="pk")
def plan_unplaced(request, inspectionplan):
    plan = inspectionplan
    page = Paginator(selectors.unplaced_entries(plan), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/plan_unplaced.html", {"plan": plan, "page_obj": page})


@allowed(InspectionPlan, "edit")
def plan_move(request, pk):
    entry = selectors.plan_entry(request.user, pk)
    plan = entry.plan
    if not access.can(request.user, "edit", plan):
        show_refusal(request, access.refusal(request.user, "edit", plan))
        return redirect("supervision:plan", pk=plan.pk)
    initial = {
        "month": entry.month.isoformat() if entry.month else "",
        "unit": entry.unit_id,
        "expected_state": plan.state,
    }
    form = MoveForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.move_entry(
                actor=request.user,
                entry_id=entry.pk,
                month=d["month"],
                unit_id=d["unit"].pk,
                expected_state=d["expected_state"] or None,
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已将{entry.base.name}安排在{d['month']:%Y年%-m月}由{d['unit'].name}考核。")
            return redirect("supervision:plan", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/plan_move.html", {"plan": plan, "entry": entry, "form": form}, status=status)


@allowed(InspectionPlan, "accept", load="pk")
@require_POST
def plan_accept(request, inspectionplan):
    plan = inspectionplan
    form = AcceptPlanForm(request.POST)
    form.is_valid()
    try:
        services.accept_plan(
            actor=request.user, plan_id=plan.pk, expected_state=form.cleaned_data.get("expected_state") or None
        )
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("supervision:plan", pk=plan.pk)
    messages.success(request, "考核计划已确定，各次考核已安排并通知受委托单位和基地。")
    return redirect("supervision:plan", pk=plan.pk)


@allowed("plan_inspections")
def capacities(request):
    form = CapacityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.set_capacity(actor=request.user, unit_id=d["unit"].pk, per_month=d["per_month"])
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已将{d['unit'].name}的每月考核能力设为{d['per_month']}家。")
            return redirect("supervision:capacities")
    return render(
        request,
        "supervision/capacities.html",
        {"units": list(selectors.unit_capacities()), "changes": selectors.capacity_changes(), "form": form},
        status=400 if request.method == "POST" else 200,
    )
