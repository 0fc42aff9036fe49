"""Pages of the application workflow: thin, each authorises, parses, calls one service and renders."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core import access, decisions, exports, timeline, uploads
from core.errors import RuleViolation
from core.forms import show_refusal
from core.pagecache import cached_signed_in_page
from core.seek import SeekPaginator
from core.throttle import client_address
from experts import selectors as expert_selectors
from experts.forms import PanelForm
from experts.models import PanelPurpose
from experts.views import panels as expert_panels

from .. import exports as columns
from .. import hearings, notices, rules, selectors, services
from .. import receipt as receipt_pdf
from ..forms import (
    ActionForm,
    ApplicationForm,
    ApproveForm,
    BatchForm,
    CalendarDayForm,
    FraudFindingForm,
    FraudReportForm,
    ObjectionForm,
    PersonFormSet,
    QueueFilterForm,
    RejectForm,
    ResolveObjectionForm,
    ScheduleVisitForm,
    UploadForm,
    VisitFindingsForm,
    person_initial,
)
from ..models import (
    APPLICANT_CONDITIONS,
    VISIT_ITEMS,
    Application,
    Batch,
    CalendarDay,
    Condition,
    HearingKind,
    Objection,
    PublicNotice,
    SiteVisit,
    State,
)
from ..workflow import DEDICATED_FORMS, WITHOUT_COMMENT, WORKFLOW

PAGE_SIZE = 20


# -- batches (province) ---------------------------------------------------------------------------


@access.allowed("manage_batches")
def batches(request):
    if export := exports.respond(
        request, rows=selectors.batches_overview(), columns=columns.BATCHES, filename="申报批次"
    ):
        return export
    page = Paginator(selectors.batches_overview(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/batches.html", {"page_obj": page, "today": timezone.localdate()})


@access.allowed("manage_batches")
def batch_edit(request, pk=None):
    batch = access.get_visible_or_404(request.user, Batch, pk=pk) if pk else None
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_batch(actor=request.user, batch=batch, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            form.add_error(None, str(getattr(error, "message", error)))
        else:
            messages.success(request, f"已保存批次“{saved.name}”。")
            if warning := decisions.validity_warning(saved.closes_on):  # Art. 34
                messages.warning(request, f"该批次截止日期{warning}")
            return redirect("applications:batches")
    return render(request, "applications/batch_form.html", {"form": form, "batch": batch})


@access.allowed("manage_batches", load="pk", model=Batch)
@require_POST
def batch_toggle(request, batch):
    try:
        if batch.closed_at:
            services.reopen_batch(actor=request.user, batch=batch)
            messages.success(request, f"“{batch.name}”已重新开放申报。")
        else:
            services.close_batch(actor=request.user, batch=batch)
            messages.success(request, f"“{batch.name}”已截止申报。")
    except RuleViolation as error:
        show_refusal(request, error)
    return redirect("applications:batches")


# -- the institution's side -------------------------------------------------------------------------


@cached_signed_in_page
@access.allowed("apply")
def mine(request):
    apps = selectors.institution_applications(request.user)
    if export := exports.respond(
        request, rows=apps.prefetch_related("training_fields"), columns=columns.APPLICATIONS, filename="我的申报"
    ):
        return export
    return render(
        request,
        "applications/mine.html",
        {
            "applications": apps,
            "open_batches": selectors.open_batches(),
            "eligibility": rules.eligibility_problems(request.user.institution),
        },
    )


@access.allowed("apply", load="batch_pk", model=Batch)
@require_POST
def start(request, batch):
    try:
        app = services.start_application(actor=request.user, batch=batch)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("applications:mine")
    messages.success(request, "已创建申报草稿，可随时保存，下次继续填写。")
    return redirect("applications:edit", pk=app.pk)


@access.allowed(Application, "edit")
def edit(request, pk):
    """The application form: one page, saved as a draft at any time; submit runs the Art. 7 pre-check.

    Files chosen on the page are stored first, whatever else is wrong, so nothing uploaded is lost; a
    bad file is refused with its reason next to its row, and the typed text is kept either way.
    """
    app = selectors.application_detail(request.user, pk)
    if refused := access.refusal(request.user, "edit", app):
        messages.info(request, refused.message)
        return redirect("applications:detail", pk=app.pk)
    problems, file_errors = [], {}
    if request.method != "POST":
        form = ApplicationForm(instance=app, institution=app.institution, batch=app.batch)
        people = PersonFormSet(initial=person_initial(app), prefix="people")
        return render(request, "applications/edit.html", _edit_context(app, form, people, problems, file_errors))

    file_errors = _store_files(request, app)
    form = ApplicationForm(request.POST, instance=app, institution=app.institution, batch=app.batch)
    people = PersonFormSet(request.POST, prefix="people")
    if people.row_added:  # 添加一行 without JavaScript: the page again as typed, one row longer (files are kept)
        messages.info(request, "已添加一行（尚未保存）。填写后请点击“保存草稿”。")
        return render(request, "applications/edit.html", _edit_context(app, form, people, problems, file_errors))
    if not (form.is_valid() & people.is_valid()):
        messages.error(request, "有内容填写不正确，请按提示修改（已填写的内容均已保留，尚未保存）。")
        return render(request, "applications/edit.html", _edit_context(app, form, people, problems, file_errors))
    data = {name: form.cleaned_data.get(name) for name in form.fields}
    try:
        app = services.save_draft(actor=request.user, application_id=app.pk, data=data, people_rows=people.rows())
        if request.POST.get("remove", "").isdigit() and len(request.POST["remove"]) < 12:
            services.remove_document(actor=request.user, application_id=app.pk, document_id=int(request.POST["remove"]))
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("applications:detail", pk=app.pk)
    if file_errors:
        messages.warning(request, "草稿已保存，但有文件未能上传，请查看材料清单中的提示。")
    elif "submit" not in request.POST:
        messages.success(request, "草稿已保存。")
        return redirect(
            reverse("applications:edit", args=[app.pk])
            + ("#documents" if request.FILES or request.POST.get("remove") else "")
        )
    if "submit" in request.POST and not file_errors:
        try:
            services.submit(
                actor=request.user,
                application_id=app.pk,
                expected_state=request.POST.get("expected_state") or None,
            )
        except services.PrecheckFailed as failed:
            problems = failed.problems
            messages.error(request, "草稿已保存，但申报尚未满足条件，不能提交。请按下列提示补充：")
        except RuleViolation as error:
            messages.error(request, f"草稿已保存，但不能提交：{error}")
        else:
            messages.success(request, f"申报已提交至{app.recommender_name}。")
            return redirect("applications:detail", pk=app.pk)
    app = selectors.application_detail(request.user, app.pk)
    form = ApplicationForm(instance=app, institution=app.institution, batch=app.batch)
    people = PersonFormSet(initial=person_initial(app), prefix="people")
    return render(request, "applications/edit.html", _edit_context(app, form, people, problems, file_errors))


def _store_files(request, app) -> dict[str, str]:
    """Store every file chosen on the edit page; returns the refusals by input name."""
    files = request.FILES  # parse the body first: the size-limit handler notes refusals while parsing
    errors = uploads.oversized(request)
    for name, file in files.items():
        condition, replaces = None, None
        if name.startswith("doc_"):
            condition = name.removeprefix("doc_")
            if condition not in {c.value for c in APPLICANT_CONDITIONS}:
                continue
        elif name.startswith("replace_") and name.removeprefix("replace_").isdigit():
            replaces = int(name.removeprefix("replace_"))
            condition = Condition.OTHER
        else:
            continue
        try:
            services.upload_document(
                actor=request.user,
                application_id=app.pk,
                condition=condition,
                file=file,
                replaces_id=replaces,
            )
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
        except RuleViolation as error:
            errors[name] = str(error)
    return errors


def _edit_context(app, form, people, problems, file_errors):
    documents = selectors.documents_of(app, include_replaced=False)
    by_condition = {}
    for doc in documents:
        by_condition.setdefault(doc.condition, []).append(doc)
    problem_fields = {p.field for p in problems if p.field}
    for field in problem_fields & set(form.fields):
        form.fields[field].widget.attrs["class"] = form.fields[field].widget.attrs.get("class", "") + " is-invalid"
    return {
        "app": app,
        "form": form,
        "people": people,
        "problems": problems,
        "problem_fields": problem_fields,
        "file_errors": file_errors,
        "replace_errors": [error for name, error in file_errors.items() if name.startswith("replace_")],
        "accept": uploads.ACCEPT_ATTR,
        "max_upload": uploads.human_size(settings.UPLOAD_MAX_BYTES),
        "conditions": [
            (
                c,
                c.label,
                by_condition.get(c.value, []),
                file_errors.get(f"doc_{c.value}"),
                f"doc_{c.value}" in problem_fields,
            )
            for c in APPLICANT_CONDITIONS
        ],
        "eligibility": rules.eligibility_problems(app.institution, excluding_application_id=app.pk),
        "returned": selectors.last_return(app),
    }


@access.allowed(Application, "add_visit_material")
@require_POST
def upload(request, pk):
    """The province attaches site-visit material (Art. 8(4)); applicants upload on their edit page."""
    app = selectors.application_detail(request.user, pk)
    form = UploadForm(request.POST, request.FILES, site_visit=True)
    if uploads.form_is_valid(request, form):
        try:
            doc = services.upload_document(
                actor=request.user,
                application_id=app.pk,
                condition=form.cleaned_data["condition"],
                file=form.cleaned_data["file"],
                replaces_id=form.cleaned_data.get("replaces"),
            )
        except ValidationError as error:
            form.add_error("file", error)
        except RuleViolation as error:
            show_refusal(request, error)
            return redirect("applications:detail", pk=app.pk)
        else:
            messages.success(request, f"已上传“{doc.original_name}”。")
            return redirect(reverse("applications:detail", args=[app.pk]) + "#visit")
    messages.error(request, "文件未上传：" + "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("applications:detail", args=[app.pk]) + "#visit")


@login_required
def download(request, pk, doc_pk):
    doc = selectors.visible_document(request.user, pk, doc_pk)
    return uploads.serve(doc.file, filename=doc.original_name, content_type=doc.content_type)


# -- every role: the application page -------------------------------------------------------------------


@login_required
def print_view(request, pk):
    """The 申报表 on one printable page, with its attachments listed (issue 15 (3))."""
    app = selectors.application_detail(request.user, pk)
    return render(
        request,
        "applications/print.html",
        {
            "app": app,
            "people": list(app.people.all()),
            "documents": [d for d in selectors.documents_of(app) if d.is_current],
            "state_label": app.applicant_state_label if access.may(request.user, "apply") else app.get_state_display(),
        },
    )


@login_required
def receipt(request, pk):
    """The receipt (回执) of a submitted application, for whoever may see it (issue 15 (3))."""
    app = selectors.application_detail(request.user, pk)
    if not app.acceptance_number:
        raise Http404("该申报尚未提交，没有回执。")
    documents = [d for d in selectors.documents_of(app) if d.is_current]
    response = HttpResponse(receipt_pdf.render(app, documents), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"申报回执-{app.acceptance_number}.pdf")
    return response


@login_required
def detail(request, pk):
    app = selectors.application_detail(request.user, pk)
    return render(request, "applications/detail.html", _detail_context(request, app))


def _detail_context(request, app, **bound_forms):
    user = request.user
    documents = selectors.documents_of(app)
    visit = SiteVisit.objects.filter(application=app).first()
    actions = WORKFLOW.available(app, user)
    expected = {"expected_state": app.state}
    plain = [t for t in actions if t.action not in DEDICATED_FORMS]
    context = {
        "app": app,
        # The applicant sees gentler names for the stages its application passes through.
        "state_label": app.applicant_state_label if access.may(user, "apply") else app.get_state_display(),
        "people": list(app.people.all()),
        "documents": [d for d in documents if d.is_current],
        "replaced_documents": [d for d in documents if not d.is_current],
        "visit": visit,
        "timeline": timeline.events_for(app, state_labels=dict(State.choices))
        if access.may(user, "see_case_history")
        else None,
        "steps": selectors.application_steps(app),
        # One comment box for every plain action: each button posts it to its own action.
        "plain_actions": plain,
        "plain_form": next((bound_forms[t.action] for t in plain if t.action in bound_forms), None)
        or bound_forms.get("plain")
        or ActionForm(initial=expected, prefix="plain"),
        "comment_required_for": "、".join(t.label for t in plain if t.comment_required),
        "ask_comment": any(t.action not in WITHOUT_COMMENT for t in plain),
        "problems": rules.unmet_conditions(app) if access.can(user, "edit", app) else [],
        "bars": list(app.bars.all()),
        "recognition_decision": selectors.recognition_decision(app),
    }
    context["hearings"] = hearings.of(app) if access.may(user, "see_hearings") else []
    if access.may(user, "manage_experts"):
        context["case_panel"] = case_panel = expert_selectors.case_panel(app)
        context["case_aggregate"] = expert_selectors.panel_aggregate(case_panel) if case_panel else None
        if access.can(user, "form_panel", app):
            context["panel_form"] = bound_forms.get("panel") or PanelForm(
                initial={"fields": app.field_names or app.legacy_fields}
            )
            context["panel_action"] = reverse("applications:visit_panel", args=[app.pk])
    if access.can(user, "find_fraud", app):
        fraud_hearing = hearings.pending(app, HearingKind.FRAUD)
        context["fraud_hearing"] = fraud_hearing
        context["fraud_form"] = bound_forms.get("fraud") or FraudFindingForm(
            initial={"facts": fraud_hearing.proposal.get("facts", "") if fraud_hearing else ""},
            prefix="fraud",
            deciding=fraud_hearing is not None,
        )
    if access.can(user, "report_fraud", app):
        context["fraud_report_form"] = bound_forms.get("fraud_report") or FraudReportForm(prefix="fraud_report")
    context["decisions"] = decisions.of(app) if access.may(user, "see_hearings") else []
    if access.may(user, "review_applications"):
        today = timezone.localdate()
        refusal_hearing = hearings.pending(app, HearingKind.REFUSAL)
        objections = list(app.objections.select_related("notice").order_by("created_at"))
        context.update(
            notices=list(app.notices.all()),
            objections=[(o, ResolveObjectionForm(prefix=f"objection-{o.pk}")) for o in objections],
            schedule_form=bound_forms.get("schedule_visit")
            or ScheduleVisitForm(
                initial={
                    **expected,
                    "scheduled_on": visit.scheduled_on if visit else None,
                    "team": visit.team if visit else "",
                },
                prefix="schedule_visit",
            ),
            findings_form=bound_forms.get("findings")
            or VisitFindingsForm(initial={"findings": visit.findings if visit else ""}, prefix="findings"),
            approve_form=bound_forms.get("approve")
            or ApproveForm(initial={**expected, "recognised_on": today}, prefix="approve"),
            refusal_hearing=refusal_hearing,
            reject_form=bound_forms.get("reject")
            or RejectForm(
                initial={**expected, "comment": refusal_hearing.proposal.get("reason", "") if refusal_hearing else ""},
                prefix="reject",
                deciding=refusal_hearing is not None,
            ),
            upload_form=UploadForm(site_visit=True),
        )
    return context


@login_required
@require_POST
def act(request, pk, action):
    """A plain transition: withdraw, recommend, return, not recommend, start review."""
    app = selectors.application_detail(request.user, pk)
    if action in DEDICATED_FORMS or action not in WORKFLOW.by_action:
        raise Http404("页面不存在。")
    # The page posts one shared box (prefix "plain"); a form per action (prefix = action) is accepted too.
    prefix = action if f"{action}-expected_state" in request.POST else "plain"
    form = ActionForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.transition(
                actor=request.user,
                application_id=app.pk,
                action=action,
                comment=form.cleaned_data["comment"],
                expected_state=form.cleaned_data["expected_state"],
            )
        except RuleViolation as error:
            if error.field:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, str(error))
                return redirect("applications:detail", pk=app.pk)
        else:
            messages.success(request, f"已{WORKFLOW.get(action).label}。")
            return _after_action(request, app)
    return rerender_application(request, app, **{prefix if prefix == "plain" else action: form})


def _after_action(request, app):
    if access.may(request.user, "recommend_applications"):
        return redirect("applications:recommender_queue")
    return redirect("applications:detail", pk=app.pk)


def rerender_application(request, app, *, context=None, status=400, **bound):
    """Show the page again with the user's input; a refusal that concerns the whole record (e.g. someone
    else acted first) goes to the top of the page, where it is seen even if the form is no longer offered.
    `context` adds what the posting view shows with its form (the preview of what a decision publishes)."""
    whole = [str(e) for form in bound.values() for e in form.non_field_errors()]
    for text in whole:
        messages.error(request, text)
    if not whole or any(form.errors.keys() - {"__all__"} for form in bound.values()):
        messages.error(request, "操作未完成，请按提示修改（已填写的内容已保留）。")
    app = selectors.application_detail(request.user, app.pk)
    return render(
        request,
        "applications/detail.html",
        {**_detail_context(request, app, **bound), **(context or {})},
        status=status,
    )


@access.allowed(Application, "schedule_visit")
@require_POST
def schedule_visit(request, pk):
    app = selectors.application_detail(request.user, pk)
    form = ScheduleVisitForm(request.POST, prefix="schedule_visit")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.schedule_visit(
                actor=request.user,
                application_id=app.pk,
                scheduled_on=d["scheduled_on"],
                team=d["team"],
                comment=d["comment"],
                expected_state=d["expected_state"],
            )
        except RuleViolation as error:
            show_refusal(request, error)
            return redirect("applications:detail", pk=app.pk)
        messages.success(request, "已安排实地考察，并通知申报机构。")
        return redirect("applications:detail", pk=app.pk)
    return rerender_application(request, app, schedule_visit=form)


@access.allowed(Application, "form_panel")
@require_POST
def visit_panel(request, pk):
    """Draw the experts of the site visit (Art. 8(4), 26), scoring the Art. 7 conditions."""
    app = selectors.application_detail(request.user, pk)
    outcome = expert_panels.form_panel(
        request,
        case=app,
        purpose=PanelPurpose.SITE_VISIT,
        institution=app.institution,
        label=f"{app.institution.name}申报实地考察",
        items=VISIT_ITEMS,
        back=reverse("applications:detail", args=[app.pk]) + "#panel",
    )
    if isinstance(outcome, PanelForm):
        return rerender_application(request, app, panel=outcome)
    return outcome


@access.allowed(Application, "record_visit")
@require_POST
def record_visit(request, pk):
    app = selectors.application_detail(request.user, pk)
    form = VisitFindingsForm(request.POST, prefix="findings")
    if form.is_valid():
        try:
            services.record_visit(actor=request.user, application_id=app.pk, findings=form.cleaned_data["findings"])
        except RuleViolation as error:
            show_refusal(request, error, form)  # at the findings box, the text kept
        else:
            messages.success(request, "已记录实地考察情况。")
            return redirect("applications:detail", pk=app.pk)
    return rerender_application(request, app, findings=form)


@access.allowed(Application, "reject")
@require_POST
def reject(request, pk):
    """Two steps (SPEC 2.10): the notice of the intended refusal, then the decision once the institution
    has been heard."""
    app = selectors.application_detail(request.user, pk)
    hearing = hearings.pending(app, HearingKind.REFUSAL)
    form = RejectForm(request.POST, prefix="reject", deciding=hearing is not None)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if hearing is None:
                hearing = services.propose_refusal(
                    actor=request.user, application_id=app.pk, reason=d["comment"], expected_state=d["expected_state"]
                )
            else:
                services.reject(
                    actor=request.user,
                    application_id=app.pk,
                    reason=d["comment"],
                    response=d["response"],
                    expected_state=d["expected_state"],
                )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            if app.state == State.REJECTED or hearing.state != "open":
                messages.success(request, "已作出不予认定决定，决定书已生成。")
            else:
                messages.success(
                    request,
                    f"已发出拟不予认定告知书（{hearing.notice.number}），"
                    f"陈述申辩截止{hearing.deadline:%Y年%-m月%-d日}；届时或当事人陈述申辩、放弃后可作出决定。",
                )
            return redirect("applications:detail", pk=app.pk)
    return rerender_application(request, app, reject=form)


# -- queues ---------------------------------------------------------------------------------------------


RECOMMENDER_STATES = [
    State.SUBMITTED,
    State.RETURNED,
    State.RECOMMENDED,
    State.NOT_RECOMMENDED,
    State.UNDER_REVIEW,
    State.SITE_VISIT,
    State.APPROVED,
    State.REJECTED,
    State.WITHDRAWN,
]


@cached_signed_in_page
@access.allowed("recommend_applications")
def recommender_queue(request):
    form = QueueFilterForm(request.GET or None, states=RECOMMENDER_STATES, with_units=False)
    qs = selectors.recommender_queue(request.user, form.filters())
    if export := exports.respond(
        request, rows=qs.prefetch_related("training_fields"), columns=columns.APPLICATIONS, filename="待推荐申报"
    ):
        return export
    page = SeekPaginator(qs, PAGE_SIZE, selectors.QUEUE_ORDER).page(request.GET)
    return render(request, "applications/queue.html", {"page_obj": page, "filter_form": form, "title": "待推荐申报"})


@cached_signed_in_page
@access.allowed("review_applications")
def province_queue(request):
    form = QueueFilterForm(request.GET or None, states=[s for s in State if s != State.DRAFT])
    qs = selectors.province_queue(request.user, form.filters())
    if export := exports.respond(
        request, rows=qs.prefetch_related("training_fields"), columns=columns.APPLICATIONS, filename="申报审核"
    ):
        return export
    page = SeekPaginator(qs, PAGE_SIZE, selectors.QUEUE_ORDER).page(request.GET)
    return render(
        request,
        "applications/queue.html",
        {"page_obj": page, "filter_form": form, "title": "申报审核", "show_unit": True},
    )


@access.allowed("keep_bars")
def bars(request):
    if export := exports.respond(
        request, rows=selectors.bars_in_force(), columns=columns.BARS, filename="不予受理名单"
    ):
        return export
    page = Paginator(selectors.bars_in_force(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/bars.html", {"page_obj": page})


# -- the public notice before recognition (公示) ------------------------------------------------------------


OBJECTION_LIMIT = 5  # per address and hour


def objection(request, notice_pk):
    """Anyone lodges an objection during a notice period; rate-limited per address."""
    notice = get_object_or_404(PublicNotice.objects.select_related("batch"), pk=notice_pk)
    if not notice.is_open():
        return render(request, "applications/objection_closed.html", {"notice": notice}, status=410)
    form = ObjectionForm(request.POST or None, request.FILES or None, notice=notice)
    if request.method == "POST" and uploads.form_is_valid(request, form):
        key = "objection-rate:" + hashlib.sha256(client_address(request).encode()).hexdigest()
        # Count atomically (add, then incr), so simultaneous requests cannot slip past the limit.
        try:
            count = 1 if cache.add(key, 1, 3600) else cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, 3600)
            count = 1
        if count > OBJECTION_LIMIT:
            form.add_error(None, "提交过于频繁，请一小时后再试（已填写的内容已保留，附件需重新选择）。")
        else:
            d = form.cleaned_data
            try:
                lodged = notices.lodge_objection(
                    notice=notice,
                    application_id=d["application"].pk,
                    name=d["name"],
                    contact=d["contact"],
                    facts=d["facts"],
                    evidence=d.get("evidence"),
                )
            except ValidationError as error:
                form.add_error("evidence", error)
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                return render(request, "applications/objection_done.html", {"objection": lodged, "notice": notice})
    return render(request, "applications/objection_form.html", {"notice": notice, "form": form})


@access.allowed(Objection, "resolve", load="pk")
@require_POST
def resolve_objection(request, objection):
    form = ResolveObjectionForm(request.POST, prefix=f"objection-{objection.pk}")
    if form.is_valid():
        try:
            notices.resolve_objection(
                actor=request.user, objection_id=objection.pk, resolution=form.cleaned_data["resolution"]
            )
            messages.success(request, f"已记录异议{objection.confirmation_number}的处理结果。")
        except RuleViolation as error:
            show_refusal(request, error)
    else:
        messages.error(request, "请填写处理结果。")
    return redirect(reverse("applications:detail", args=[objection.application_id]) + "#objections")


@access.allowed("review_applications", load="pk", model=Objection)
def objection_evidence(request, objection):
    if not objection.evidence:
        raise Http404("没有附件。")
    return uploads.serve(objection.evidence, filename=objection.evidence_name, content_type=objection.evidence_type)


@access.allowed("keep_calendar")
def calendar(request):
    """The province's holiday calendar: public holidays and make-up working days."""
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            if request.POST["delete"].isdigit() and len(request.POST["delete"]) < 12:
                notices.remove_calendar_day(actor=request.user, day_id=int(request.POST["delete"]))
            messages.success(request, "已删除。")
            return redirect("applications:calendar")
        if form.is_valid():
            notices.save_calendar_day(actor=request.user, day=form.instance)
            messages.success(request, "已保存。")
            return redirect("applications:calendar")
    today = timezone.localdate()
    days = CalendarDay.objects.filter(date__year__gte=today.year - 1)
    missing = notices.years_without_calendar(today, today.replace(year=today.year + 1, month=12, day=31))
    return render(request, "applications/calendar.html", {"form": form, "days": days, "missing_years": missing})
