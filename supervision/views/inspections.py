"""Inspection pages (Art. 20-22): the list and the 3-year clock, scheduling, the result and its confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bases.views.publishing import preview
from core import access, exports, timeline, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import ConfirmPublishForm, show_refusal
from experts import selectors as expert_selectors
from experts.forms import PanelForm
from experts.models import PanelPurpose
from experts.views import panels as expert_panels

from .. import exports as columns
from .. import selectors, services
from ..forms import (
    DecisionForm,
    InspectionFilterForm,
    RecordForm,
    ScheduleForm,
)
from ..models import (
    Inspection,
    InspectionState,
    Item,
    SupervisionDocument,
)
from ..workflow import INSPECTION_WORKFLOW
from . import PAGE_SIZE


@allowed("see_inspections")
def inspection_list(request):
    form = InspectionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.InspectionFilters(
        kind=data.get("kind") or "",
        state=data.get("state") or "",
        region=data["region"].pk if data.get("region") else None,
    )
    qs = selectors.inspections_for(request.user, filters)
    if export := exports.respond(request, rows=qs, columns=columns.INSPECTIONS, filename="考核与抽查"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    clock = list(selectors.inspection_clock(today)[:50]) if access.may(request.user, "plan_inspections") else []
    return render(request, "supervision/list.html", {"page_obj": page, "form": form, "clock": clock, "today": today})


@allowed("plan_inspections")
def schedule(request):
    initial = {"base": request.GET.get("base"), "kind": request.GET.get("kind", "periodic")}
    form = ScheduleForm(request.POST or None, bases=selectors.live_bases(), initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = services.schedule_inspection(
                actor=request.user,
                base_id=d["base"].pk,
                kind=d["kind"],
                scheduled_on=d["scheduled_on"],
                province_team=d["province_team"],
                inspector_unit=d["inspector_unit"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已安排考核，并通知基地和受委托单位。")
            return redirect("supervision:detail", pk=inspection.pk)
    return render(request, "supervision/schedule.html", {"form": form})


@allowed(Inspection, "view")
def inspection_detail(request, pk, record_form=None, decision_form=None, panel_form=None, status=200):
    inspection = selectors.inspection_detail(request.user, pk)
    can_record = access.can(request.user, "record", inspection)
    return render(
        request,
        "supervision/detail.html",
        {
            "inspection": inspection,
            "items": list(inspection.items.all()),
            "documents": list(inspection.documents.all()),
            "record_form": record_form
            or (
                RecordForm(
                    inspection=inspection,
                    initial={
                        "inspected_on": inspection.inspected_on or inspection.scheduled_on,
                        "result": inspection.result,
                        "summary": inspection.summary,
                        "expected_state": inspection.state,
                    },
                )
                if can_record
                else None
            ),
            "actions": [
                t
                for t in INSPECTION_WORKFLOW.available(inspection, request.user)
                if t.action.startswith(("send_back", "confirm", "publish"))
            ],
            "decision_form": decision_form or DecisionForm(initial={"expected_state": inspection.state}),
            # the province records a result itself; an inspector unit submits it for confirmation
            "record_label": "保存考核结果" if _confirms(request.user) else "提交考核结果",
            "timeline": timeline.events_for(inspection, state_labels=dict(InspectionState.choices))
            if access.may(request.user, "see_case_history")
            else None,
            "steps": selectors.inspection_steps(inspection),
            # the pool and the courseware log behind items 1, 5 and 6, for those who inspect
            "records": selectors.inspection_records(inspection)
            if access.may(request.user, "read_inspection_records")
            else None,
            **_panel_context(request, inspection, panel_form),
        },
        status=status,
    )


def _panel_context(request, inspection, panel_form=None) -> dict:
    """The inspection's expert panel (Art. 26) with the aggregate of its scored forms, or the form that draws it,
    for the province."""
    if not access.may(request.user, "manage_experts"):
        return {}
    case_panel = expert_selectors.case_panel(inspection)
    context = {
        "case_panel": case_panel,
        "case_aggregate": expert_selectors.panel_aggregate(case_panel) if case_panel else None,
    }
    if access.can(request.user, "form_panel", inspection):
        context["panel_form"] = panel_form or PanelForm(initial={"fields": inspection.base.fields})
        context["panel_action"] = reverse("supervision:panel", args=[inspection.pk])
    return context


@allowed(Inspection, "form_panel")
@require_POST
def panel(request, pk):
    """Draw the inspection's experts (Art. 20, 26), scoring the nine items of Art. 20."""
    inspection = selectors.inspection_detail(request.user, pk)
    outcome = expert_panels.form_panel(
        request,
        case=inspection,
        purpose=PanelPurpose.INSPECTION,
        institution=inspection.base.institution,
        label=f"{inspection.base.name}{inspection.get_kind_display()}",
        items=[[item.value, item.label, "第二十条"] for item in Item],
        back=reverse("supervision:detail", args=[inspection.pk]) + "#panel",
    )
    if isinstance(outcome, PanelForm):
        # a refusal of the whole draw (a panel formed meanwhile) is read at the top: the form may be gone
        whole = outcome.non_field_errors()
        for text in whole:
            messages.error(request, text)
        if not whole:
            messages.error(request, "未能抽取专家，请按提示修改（已填写的内容已保留）。")
        return inspection_detail(request, pk=inspection.pk, panel_form=outcome, status=400)
    return outcome


def _confirms(user) -> bool:
    return access.may_ever(user, Inspection, "confirm")


@allowed(Inspection, "record")
@require_POST
def record(request, pk):
    inspection = selectors.inspection_detail(request.user, pk)
    form = RecordForm(request.POST, request.FILES, inspection=inspection)
    if uploads.form_is_valid(request, form):
        d = form.cleaned_data
        verdicts = {k.removeprefix("verdict_"): v for k, v in d.items() if k.startswith("verdict_")}
        notes = {k.removeprefix("notes_"): v for k, v in d.items() if k.startswith("notes_")}
        files = {k.removeprefix("file_"): v for k, v in d.items() if k.startswith("file_") and v}
        try:
            services.record_result(
                actor=request.user,
                inspection_id=inspection.pk,
                inspected_on=d["inspected_on"],
                verdicts=verdicts,
                notes=notes,
                result=d["result"],
                summary=d["summary"],
                files=files,
                expected_state=d["expected_state"] or None,
            )
        except ValidationError as error:
            form.add_error(None, "附件未能上传：" + " ".join(error.messages))
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "考核结果已记录。" if _confirms(request.user) else "考核结果已提交。")
            return redirect("supervision:detail", pk=inspection.pk)
    messages.error(request, "考核结果未保存，请按提示修改（已填写的内容已保留，附件需重新选择）。")
    return inspection_detail(request, pk, record_form=form, status=400)


@allowed(Inspection, action_from="action")
@require_POST
def inspection_act(request, pk, action):
    inspection = selectors.inspection_detail(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    confirm = ConfirmPublishForm(request.POST)
    if action == "publish" and not confirm.is_valid():  # the exact text first (issue 14, point 6)
        refused = access.refusal(request.user, "publish", inspection)
        drafts = services.results_drafts([inspection])
        if refused is None and drafts:
            url = reverse("supervision:act", args=[inspection.pk, action])
            back = reverse("supervision:detail", args=[inspection.pk])
            return preview(request, drafts, action=url, back=back, back_label="考核详情", data=request.POST)
    try:
        services.inspection_transition(
            actor=request.user,
            inspection_id=inspection.pk,
            action=action,
            comment=form.cleaned_data.get("comment", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
            expected_digest=confirm.cleaned_data["digest"] if confirm.is_valid() else None,
        )
    except RuleViolation as error:
        show_refusal(request, error, form)
        return inspection_detail(request, pk, decision_form=form, status=400)
    messages.success(request, f"已{INSPECTION_WORKFLOW.get(action).label}。")
    return redirect("supervision:detail", pk=inspection.pk)


@allowed(SupervisionDocument, "view", load="pk")
def document(request, supervisiondocument):
    doc = supervisiondocument
    return uploads.serve(doc.file, filename=doc.original_name, content_type=doc.content_type)
