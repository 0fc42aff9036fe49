"""The province keeps the expert pool (Art. 26): the list with its search, an expert's record with its
history, their declared ties and their seats."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import timeline
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import ExpertFilterForm, ExpertForm, TieEndForm, TieForm
from ..models import Expert, Tie
from . import PAGE_SIZE


@allowed("manage_experts")
def expert_list(request):
    form = ExpertFilterForm(request.GET or None)
    qs = selectors.experts(request.user, form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/list.html", {"page_obj": page, "form": form})


def _save(request, form, expert=None):
    d = form.cleaned_data
    try:
        return services.save_expert(
            actor=request.user,
            expert=expert,
            data=form.expert_data(),
            username=d.get("username", ""),
            password=d.get("password", ""),
        )
    except RuleViolation as error:
        show_refusal(request, error, form)
    return None


@allowed("manage_experts")
def expert_new(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (expert := _save(request, form)):
        messages.success(request, f"已将{expert.name}录入专家库。")
        return redirect("experts:detail", pk=expert.pk)
    return render(request, "experts/form.html", {"form": form, "title": "录入评审专家"})


@allowed("manage_experts", load="pk", model=Expert)
def expert_edit(request, expert):
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid() and _save(request, form, expert):
        messages.success(request, "专家信息已保存，修改记录已留存。")
        return redirect("experts:detail", pk=expert.pk)
    return render(
        request, "experts/form.html", {"form": form, "expert": expert, "title": f"修改专家信息：{expert.name}"}
    )


def _detail(request, expert, *, tie_form=None, status=200):
    return render(
        request,
        "experts/detail.html",
        {
            "expert": expert,
            "ties": selectors.ties_of(expert),
            "seats": selectors.seats_of(expert),
            "tie_form": tie_form or TieForm(),
            "end_form": TieEndForm(),
            "timeline": timeline.events_for(expert),
            "tie_years": settings.EXPERT_TIE_YEARS,
        },
        status=status,
    )


EXPERTS = Expert.objects.select_related("region", "employer_institution", "user")


@allowed("manage_experts", load="pk", queryset=EXPERTS)
def expert_detail(request, expert):
    return _detail(request, expert)


@allowed("manage_experts", load="pk", queryset=EXPERTS)
@require_POST
def tie_new(request, expert):
    form = TieForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_tie(
                actor=request.user,
                expert_id=expert.pk,
                institution=d["institution"],
                kind=d["kind"],
                ended_on=d["ended_on"],
                note=d["note"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已记录{expert.name}申报的关联关系；抽取该机构的评审专家时将予回避。")
            return redirect("experts:detail", pk=expert.pk)
    messages.error(request, "关联关系未保存，请按提示修改（已填写的内容已保留）。")
    return _detail(request, expert, tie_form=form, status=400)


@allowed("manage_experts", load="pk", queryset=Tie.objects.select_related("expert"))
@require_POST
def tie_end(request, tie):
    form = TieEndForm(request.POST)
    if form.is_valid():
        try:
            services.end_tie(actor=request.user, tie_id=tie.pk, ended_on=form.cleaned_data["ended_on"])
        except RuleViolation as error:
            show_refusal(request, error)
        else:
            messages.success(request, "已记录该关系的结束日期；结束后三年内仍予回避。")
    else:
        messages.error(request, "请填写正确的结束日期。")
    return redirect("experts:detail", pk=tie.expert_id)
