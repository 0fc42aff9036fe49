"""Suspending a base's work and restoring it (Art. 23 second list (2))."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import services
from ..forms import ResumeForm, SuspendForm
from ..models import Base


@allowed(Base, "suspend", load="pk")
def suspend(request, base):
    form = SuspendForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            suspension = services.suspend(
                actor=request.user, base_id=base.pk, started_on=d["started_on"], cause=d["cause"]
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request,
                f"已作出暂停决定（{suspension.decision.number}）；{suspension.year_up_on:%Y年%-m月%-d日}满一年，"
                "届满前一个月系统将提醒。",
            )
            return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/suspend.html", {"base": base, "form": form, "resuming": False})


@allowed(Base, "resume", load="pk")
def resume(request, base):
    form = ResumeForm(request.POST or None, initial={"resumed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.resume(actor=request.user, base_id=base.pk, resumed_on=d["resumed_on"], evidence=d["evidence"])
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已恢复基地工作。")
            return redirect("bases:detail", pk=base.pk)
    return render(
        request,
        "bases/suspend.html",
        {"base": base, "form": form, "resuming": True, "suspension": services.current_suspension(base)},
    )
