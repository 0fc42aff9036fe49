"""Supervision pages: thin views that authorise, parse, call one service and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from bases.models import LIVE_STATUSES, Base
from core import access, exports, timeline, uploads
from core.access import role_required
from core.errors import RuleViolation

from . import exports as columns
from . import selectors, services
from .forms import (
    CancellationDecisionForm,
    CancellationRequestForm,
    DecisionForm,
    DrawForm,
    InspectionFilterForm,
    RecordForm,
    RectificationForm,
    ReportForm,
    RevocationForm,
    ScheduleForm,
)
from .models import (
    CancellationRequest,
    Ground,
    InspectionState,
    RectificationOrder,
    RectificationState,
    RequestState,
    Result,
    SpotCheckDraw,
    SupervisionDocument,
)
from .workflow import INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

PAGE_SIZE = 20


def _field_error(request, form, error: RuleViolation):
    """Show a refusal at its field; one that concerns the whole record (e.g. someone else acted first) is
    also put at the top of the page, where it is seen even when the form is no longer offered."""
    if error.field in form.fields:
        form.add_error(error.field, str(error))
    else:
        form.add_error(None, str(error))
        messages.error(request, str(error))


# -- inspections -------------------------------------------------------------------------------------------


@role_required(Role.PROVINCE, Role.INSPECTOR)
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
    clock = list(selectors.inspection_clock(today)[:50]) if request.user.role == Role.PROVINCE else []
    return render(request, "supervision/list.html", {"page_obj": page, "form": form, "clock": clock, "today": today})


@role_required(Role.PROVINCE)
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
            _field_error(request, form, error)
        else:
            messages.success(request, "已安排考核，并通知基地和受委托单位。")
            return redirect("supervision:detail", pk=inspection.pk)
    return render(request, "supervision/schedule.html", {"form": form})


@role_required(Role.PROVINCE, Role.INSPECTOR, Role.INSTITUTION)
def inspection_detail(request, pk, record_form=None, decision_form=None, status=200):
    inspection = selectors.inspection_detail(request.user, pk)
    role = request.user.role
    can_record = role in (Role.PROVINCE, Role.INSPECTOR) and inspection.state in (
        InspectionState.SCHEDULED,
        InspectionState.RECORDED,
    )
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
            "timeline": timeline.events_for(inspection, state_labels=dict(InspectionState.choices)),
            "is_fail": inspection.result == Result.FAIL,
        },
        status=status,
    )


@role_required(Role.PROVINCE, Role.INSPECTOR)
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
            _field_error(request, form, error)
        else:
            messages.success(request, "考核结果已提交。" if request.user.role == Role.INSPECTOR else "考核结果已记录。")
            return redirect("supervision:detail", pk=inspection.pk)
    messages.error(request, "考核结果未保存，请按提示修改（已填写的内容已保留，附件需重新选择）。")
    return inspection_detail(request, pk, record_form=form, status=400)


@role_required(Role.PROVINCE)
@require_POST
def inspection_act(request, pk, action):
    inspection = selectors.inspection_detail(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.inspection_transition(
            actor=request.user,
            inspection_id=inspection.pk,
            action=action,
            comment=form.cleaned_data.get("comment", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
        )
    except RuleViolation as error:
        _field_error(request, form, error)
        return inspection_detail(request, pk, decision_form=form, status=400)
    messages.success(request, f"已{INSPECTION_WORKFLOW.get(action).label}。")
    return redirect("supervision:detail", pk=inspection.pk)


@role_required(Role.PROVINCE, Role.INSPECTOR, Role.INSTITUTION, Role.RECOMMENDER)
def document(request, pk):
    doc = access.get_visible_or_404(request.user, SupervisionDocument, pk=pk)
    return uploads.serve(doc.file, filename=doc.original_name, content_type=doc.content_type)


# -- spot-check draws -----------------------------------------------------------------------------------------


@role_required(Role.PROVINCE)
def draw_list(request):
    page = Paginator(selectors.draws(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/draws.html", {"page_obj": page})


@role_required(Role.PROVINCE)
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
                institution_type=d["institution_type"],
                status=d["status"],
                assign_inspectors=d["assign_inspectors"],
            )
        except RuleViolation as error:
            _field_error(request, form, error)
        else:
            messages.success(request, f"已随机抽取{len(draw.sampled_ids)}家基地并安排抽查。")
            return redirect("supervision:draw", pk=draw.pk)
    return render(request, "supervision/draw_form.html", {"form": form})


@role_required(Role.PROVINCE)
def draw_detail(request, pk):
    draw = access.get_visible_or_404(request.user, SpotCheckDraw, pk=pk)
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


@role_required(Role.PROVINCE)
@require_POST
def draw_publish(request, pk):
    try:
        announcement = services.publish_draw(actor=request.user, draw_id=pk)
    except RuleViolation as error:
        messages.error(request, str(error))
        return redirect("supervision:draw", pk=pk)
    if announcement is None:
        messages.success(request, "该次抽查的结果均已逐一公布。")
        return redirect("supervision:draw", pk=pk)
    messages.success(request, "抽查结果已向社会公布。")
    return redirect("public:announcement", pk=announcement.pk)


# -- rectification ----------------------------------------------------------------------------------------------


@role_required(Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER)
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


@role_required(Role.PROVINCE)
def rectification_new(request, base_pk):
    base = access.get_visible_or_404(request.user, Base, pk=base_pk)
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
            _field_error(request, form, error)
        else:
            messages.success(request, "已责令限期整改，基地状态为“整改中”。")
            return redirect("supervision:rectification", pk=order.pk)
    return render(
        request, "supervision/rectification_form.html", {"base": base, "form": form, "inspection_id": inspection_id}
    )


@role_required(Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER)
def rectification_detail(request, pk, report_form=None, decision_form=None, status=200):
    order = access.get_visible_or_404(
        request.user, RectificationOrder.objects.select_related("base", "inspection"), pk=pk
    )
    role = request.user.role
    return render(
        request,
        "supervision/rectification.html",
        {
            "order": order,
            "documents": list(order.documents.all()),
            "report_form": report_form
            or (
                ReportForm(initial={"expected_state": order.state})
                if role == Role.INSTITUTION and order.state == RectificationState.OPEN
                else None
            ),
            "actions": [t for t in RECTIFICATION_WORKFLOW.available(order, request.user) if t.action != "report"],
            "decision_form": decision_form or DecisionForm(initial={"expected_state": order.state}),
            "can_revoke": role == Role.PROVINCE
            and order.base.status in LIVE_STATUSES
            and (
                order.state == RectificationState.FAILED
                or (order.state == RectificationState.OPEN and order.deadline < timezone.localdate())
            ),
            "timeline": timeline.events_for(order, state_labels=dict(RectificationState.choices)),
        },
        status=status,
    )


@role_required(Role.INSTITUTION)
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
            _field_error(request, form, error)
        else:
            messages.success(request, "整改报告已提交，待省人社厅核验。")
            return redirect("supervision:rectification", pk=pk)
    return rectification_detail(request, pk, report_form=form, status=400)


@role_required(Role.PROVINCE)
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
        _field_error(request, form, error)
        return rectification_detail(request, pk, decision_form=form, status=400)
    messages.success(request, "已核验整改报告。")
    return redirect("supervision:rectification", pk=pk)


# -- revocation and cancellation ------------------------------------------------------------------------------


@role_required(Role.PROVINCE)
def revoke(request, base_pk):
    base = access.get_visible_or_404(request.user, Base, pk=base_pk)
    initial = {
        "effective_on": timezone.localdate(),
        "rectification": request.GET.get("rectification"),
        "ground": "failed_rectification" if request.GET.get("rectification") else None,
    }
    form = RevocationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and uploads.form_is_valid(request, form):
        d = form.cleaned_data
        try:
            services.revoke(
                actor=request.user,
                base_id=base.pk,
                ground=d["ground"],
                reason=d["reason"],
                effective_on=d["effective_on"],
                decision_number=d["decision_number"],
                document=d["document"],
                rectification_id=d.get("rectification"),
            )
        except ValidationError as error:
            form.add_error("document", error)
        except RuleViolation as error:
            _field_error(request, form, error)
        else:
            messages.success(request, "已撤销基地资格，并发布公告。")
            return redirect("bases:detail", pk=base.pk)
    return render(request, "supervision/revoke.html", {"base": base, "form": form})


@role_required(Role.INSTITUTION, Role.RECOMMENDER)
def cancellation_new(request, base_pk):
    base = access.get_visible_or_404(request.user, Base, pk=base_pk)
    form = CancellationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_cancellation(actor=request.user, base_id=base.pk, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            _field_error(request, form, error)
        else:
            messages.success(request, "取消资格申请已提交省人社厅。")
            return redirect("supervision:cancellation", pk=req.pk)
    return render(request, "supervision/cancellation_form.html", {"base": base, "form": form})


@role_required(Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER)
def cancellation_list(request):
    qs = selectors.cancellation_requests_for(request.user)
    if export := exports.respond(request, rows=qs, columns=columns.CANCELLATIONS, filename="取消资格申请"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/cancellations.html", {"page_obj": page})


@role_required(Role.PROVINCE, Role.INSTITUTION, Role.RECOMMENDER)
def cancellation_detail(request, pk):
    req = access.get_visible_or_404(
        request.user, CancellationRequest.objects.select_related("base", "requested_by"), pk=pk
    )
    form = CancellationDecisionForm(
        request.POST or None, request.FILES or None, initial={"effective_on": timezone.localdate()}
    )
    if request.method == "POST":
        if request.user.role != Role.PROVINCE:
            raise Http404
        if uploads.form_is_valid(request, form):
            d = form.cleaned_data
            try:
                services.decide_cancellation(
                    actor=request.user,
                    request_id=req.pk,
                    grant="grant" in request.POST,
                    decision=d["decision"] or "",
                    effective_on=d.get("effective_on"),
                    decision_number=d.get("decision_number") or "",
                    document=d.get("document"),
                )
            except ValidationError as error:
                form.add_error("document", error)
            except RuleViolation as error:
                _field_error(request, form, error)
            else:
                messages.success(request, "已作出决定。")
                return redirect("supervision:cancellation", pk=req.pk)
    return render(
        request,
        "supervision/cancellation.html",
        {"req": req, "form": form, "pending": req.state == RequestState.SUBMITTED},
    )
