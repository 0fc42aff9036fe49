"""The obligations monitor (issue 18 (4)): every live base failing a standing duty, and reminding it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from bases.models import Base
from core import exports
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import exports as columns
from .. import selectors, services
from ..forms import ObligationFilterForm, ReminderForm

MONITOR_PAGE_SIZE = 50


def _filters(form) -> selectors.ObligationFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.ObligationFilters(
        duty=data.get("duty") or "",
        region=data["region"].pk if data.get("region") else None,
        level=int(data["level"]) if data.get("level") else None,
    )


@allowed("watch_obligations")
def monitor(request):
    form = ObligationFilterForm(request.GET or None)
    filters = _filters(form)
    today = timezone.localdate()
    rows = selectors.obligation_rows(today, filters)
    if request.GET.get("export") in exports.FORMATS:
        return exports.respond(
            request, rows=selectors.with_last_reminders(rows), columns=columns.OBLIGATIONS, filename="基地履职监测"
        )
    page = Paginator(rows, MONITOR_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_last_reminders(page.object_list)
    return render(
        request,
        "supervision/obligations.html",
        {"form": form, "page_obj": page, "filters": filters, "total": len(rows), "today": today},
    )


@allowed("watch_obligations", load="base_pk", queryset=Base.objects.live())
@require_POST
def remind(request, base):
    form = ReminderForm(request.POST)
    back = (
        redirect("bases:detail", pk=base.pk)
        if request.POST.get("back") == "base"
        else redirect("supervision:obligations")
    )
    if not form.is_valid():
        messages.error(request, form.errors["duty"][0])
        return back
    try:
        reminder = services.remind_base(actor=request.user, base_id=base.pk, duty=form.cleaned_data["duty"])
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已提醒{base.name}：{reminder.get_duty_display()}（{reminder.article}）。")
    return back


@allowed("watch_obligations")
@require_POST
def remind_all(request):
    form = ObligationFilterForm(request.POST)
    filters = _filters(form)
    try:
        sent, skipped = services.remind_duty(actor=request.user, duty=filters.duty, region=filters.region)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("supervision:obligations")
    note = f"，{skipped}个基地本月已提醒过，未再提醒" if skipped else ""
    messages.success(request, f"已提醒{sent}个基地{note}。")
    return redirect(reverse("supervision:obligations") + "?" + urlencode({"duty": filters.duty}))
