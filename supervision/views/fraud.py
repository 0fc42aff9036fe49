"""Fraud in an application (Art. 24): the recommending unit's report, the province's finding."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from applications import hearings
from applications.forms import FraudFindingForm, FraudReportForm
from applications.models import Application, FraudReport, HearingKind
from applications.views import rerender_application
from bases.views.publishing import carry_digest
from core import access
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import services
from . import PAGE_SIZE


@allowed(Application, "find_fraud", load="pk")
@require_POST
def find_fraud(request, application):
    """Two steps (SPEC 2.10): the notice of the intended finding, then the finding once heard, which publishes
    only the announcements previewed on the page (issue 15 (7))."""
    hearing = hearings.pending(application, HearingKind.FRAUD)
    deciding = hearing is not None
    form = FraudFindingForm(request.POST, prefix="fraud", deciding=deciding)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if not deciding:
                hearing = services.propose_fraud_finding(
                    actor=request.user, application_id=application.pk, facts=d["facts"]
                )
                messages.success(
                    request,
                    f"已发出拟认定弄虚作假告知书（{hearing.notice.number}），陈述申辩截止{hearing.deadline:%Y年%-m月%-d日}。",
                )
                return redirect("applications:detail", pk=application.pk)
            if not d["digest"]:  # no preview confirmed: show it, publish nothing
                raise RuleViolation("请核对下方将向社会公布的公告内容，确认无误后再作出决定。")
            decision = services.find_fraud(
                actor=request.user,
                application_id=application.pk,
                facts=d["facts"],
                response=d["response"],
                expected_digest=d["digest"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已作出弄虚作假认定决定（{decision.number}），并发布公告。")
            return redirect("applications:detail", pk=application.pk)
    drafts = _announcements_preview(application, form) if deciding else None
    if drafts:
        carry_digest(form, drafts)
    return rerender_application(
        request, application, context={"fraud_drafts": drafts}, status=200 if drafts else 400, fraud=form
    )


def _announcements_preview(application, form):
    """The announcements the finding will publish, from the facts the form holds now (issue 15 (7))."""
    facts = form.cleaned_data.get("facts")  # none while the field is in error: nothing to preview yet
    return services.fraud_drafts(application, facts=facts) if facts else None


@allowed(Application, "report_fraud", load="pk")
@require_POST
def fraud_report_new(request, application):
    form = FraudReportForm(request.POST, prefix="fraud_report")
    if form.is_valid():
        try:
            report = services.report_fraud(
                actor=request.user, application_id=application.pk, facts=form.cleaned_data["facts"]
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "线索已报告省人社厅核实。")
            return redirect("supervision:fraud_report", pk=report.pk)
    return rerender_application(request, application, fraud_report=form)


@allowed("handle_fraud_reports")
def fraud_report_list(request):
    qs = FraudReport.objects.select_related("application__institution", "reported_by")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/fraud_reports.html", {"page_obj": page})


@allowed(FraudReport, "view", load="pk", queryset=FraudReport.objects.select_related("application__institution"))
def fraud_report_detail(request, fraudreport):
    report = fraudreport
    if request.method == "POST":
        if not access.may(request.user, "handle_fraud_reports"):
            raise Http404("页面不存在。")
        confirm = "confirm" in request.POST
        try:
            services.handle_report(
                actor=request.user, report_id=report.pk, confirm=confirm, note=request.POST.get("note", "")
            )
        except RuleViolation as error:
            show_refusal(request, error)
        else:
            messages.success(request, "已启动弄虚作假认定，并向申报机构发出告知书。" if confirm else "已不予采纳。")
            return redirect("supervision:fraud_report", pk=report.pk)
    return render(
        request,
        "supervision/fraud_report.html",
        {
            "report": report,
            # why the finding cannot be started from the report, when the report may still be dismissed
            "not_confirmable": access.refusal(request.user, "confirm", report)
            if access.can(request.user, "dismiss", report)
            else None,
            "note": request.POST.get("note", ""),
        },
    )
