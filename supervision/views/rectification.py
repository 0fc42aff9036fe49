"""Rectification pages (Art. 23 first list)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bases.models import Base
from core import access, exports, timeline, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import exports as columns
from .. import selectors, services
from ..forms import (
    DecisionForm,
    RectificationForm,
    ReportForm,
)
from ..models import (
    Ground,
    RectificationOrder,
    RectificationState,
)
from ..workflow import RECTIFICATION_WORKFLOW
from . import PAGE_SIZE


@allowed("see_rectifications")
def rectification_list(request):
    qs = selectors.rectifications_for(
        request.user,
        late_only=bool(request.GET.get("late")),
        state=request.GET.get("state", "") if request.GET.get("state") in RectificationState.values else "",
    )
    if export := exports.respond(request, rows=qs, columns=columns.RECTIFICATIONS, filename="限期整改"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/rectifications.html",
        {"page_obj": page, "today": timezone.localdate(), "states": RectificationState.choices},
    )


@allowed(Base, "order_rectification", load="base_pk")
def rectification_new(request, base):
    # The inspection the order rests on must be one of this base's own (Art. 23 first list (3)).
    cited = request.GET.get("inspection") or request.POST.get("inspection") or ""
    inspection_id = None
    if cited.isdigit() and len(cited) < 12:
        inspection_id = base.inspections.filter(pk=int(cited)).values_list("pk", flat=True).first()
    initial = {"ground": Ground.FAILED_INSPECTION} if inspection_id else {}
    form = RectificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_rectification(
                actor=request.user,
                base_id=base.pk,
                ground=d["ground"],
                findings=d["findings"],
                deadline=d["deadline"],
                inspection_id=inspection_id,
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已责令限期整改，基地状态为“整改中”。")
            return redirect("supervision:rectification", pk=order.pk)
    return render(
        request, "supervision/rectification_form.html", {"base": base, "form": form, "inspection_id": inspection_id}
    )


@allowed(RectificationOrder, "view")
def rectification_detail(request, pk, report_form=None, decision_form=None, status=200):
    order = access.get_visible_or_404(
        request.user,
        RectificationOrder.objects.select_related("base", "inspection", "decision", "verification_decision"),
        pk=pk,
    )
    return render(
        request,
        "supervision/rectification.html",
        {
            "order": order,
            "documents": list(order.documents.all()),
            "report_form": report_form
            or (
                ReportForm(initial={"expected_state": order.state})
                if access.can(request.user, "report", order)
                else None
            ),
            "actions": [t for t in RECTIFICATION_WORKFLOW.available(order, request.user) if t.action != "report"],
            "decision_form": decision_form or DecisionForm(initial={"expected_state": order.state}),
            "timeline": timeline.events_for(order, state_labels=dict(RectificationState.choices)),
            "steps": selectors.rectification_steps(order),
        },
        status=status,
    )


@allowed(RectificationOrder, "report")
@require_POST
def rectification_report(request, pk):
    form = ReportForm(request.POST, request.FILES)
    if uploads.form_is_valid(request, form):
        d = form.cleaned_data
        try:
            services.report_rectification(
                actor=request.user,
                order_id=pk,
                report=d["report"],
                files=[d["attachment"]] if d.get("attachment") else [],
                expected_state=d["expected_state"] or None,
            )
        except ValidationError as error:
            form.add_error("attachment", error)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "整改报告已提交，待省人社厅核验。")
            return redirect("supervision:rectification", pk=pk)
    return rectification_detail(request, pk, report_form=form, status=400)


@allowed(RectificationOrder, action_from="action")
@require_POST
def rectification_verify(request, pk, action):
    if action not in ("pass", "fail"):
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.verify_rectification(
            actor=request.user,
            order_id=pk,
            passed=action == "pass",
            comment=form.cleaned_data.get("comment", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
        )
    except RuleViolation as error:
        show_refusal(request, error, form)
        return rectification_detail(request, pk, decision_form=form, status=400)
    messages.success(request, "已核验整改报告。")
    return redirect("supervision:rectification", pk=pk)
