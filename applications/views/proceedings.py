"""The proceedings around the province's decisions (SPEC 2.10): the notice of an intended adverse decision
and the party's defence (告知 — 陈述申辩), and appeals against a decision with their outcomes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import access, timeline, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal
from core.models import Decision

from .. import hearings, selectors
from ..forms import AppealForm, AppealOutcomeForm, DropHearingForm, StatementForm
from ..models import Appeal, AppealState, Hearing, HearingState
from ..workflow import HEARING_WORKFLOW

PAGE_SIZE = 30


@allowed("see_hearings")
def hearing_list(request):
    qs = access.visible(request.user, Hearing.objects.select_related("institution", "notice", "decision"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/hearings.html", {"page_obj": page})


@allowed(Hearing, "view", load="pk", queryset=Hearing.objects.select_related("institution", "notice", "decision"))
def hearing_detail(request, hearing):
    statement_form = StatementForm(prefix="statement")
    drop_form = DropHearingForm(prefix="drop")
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("answer", "waive", "drop") or not access.may_ever(request.user, Hearing, action):
            raise Http404("页面不存在。")
        try:
            if action == "answer":
                statement_form = StatementForm(request.POST, request.FILES, prefix="statement")
                if uploads.form_is_valid(request, statement_form):
                    d = statement_form.cleaned_data
                    hearings.answer(
                        actor=request.user, hearing_id=hearing.pk, statement=d["statement"], files=d["files"]
                    )
                    messages.success(request, "陈述申辩已提交省人社厅，决定书将载明您的意见及采纳情况。")
                    return redirect("applications:hearing", pk=hearing.pk)
            elif action == "waive":
                hearings.waive(actor=request.user, hearing_id=hearing.pk)
                messages.success(request, "已确认放弃陈述申辩。")
                return redirect("applications:hearing", pk=hearing.pk)
            else:
                drop_form = DropHearingForm(request.POST, prefix="drop")
                if drop_form.is_valid():
                    hearings.drop(actor=request.user, hearing_id=hearing.pk, reason=drop_form.cleaned_data["reason"])
                    messages.success(request, "已决定不再作出该决定，并通知当事人。")
                    return redirect("applications:hearing", pk=hearing.pk)
        except ValidationError as error:
            statement_form.add_error("files", error)
        except RuleViolation as error:
            show_refusal(request, error, drop_form if action == "drop" else statement_form)
    return render(
        request,
        "applications/hearing.html",
        {
            "hearing": hearing,
            "documents": list(hearing.documents.all()),
            "actions": {t.action for t in HEARING_WORKFLOW.available(hearing, request.user)},
            "statement_form": statement_form,
            "drop_form": drop_form,
            "subject_url": _subject_url(hearing),
            "dropped": hearing.state == HearingState.DROPPED,
            "timeline": timeline.events_for(hearing, state_labels=dict(HearingState.choices)),
            "steps": selectors.hearing_steps(hearing),
        },
    )


def _subject_url(hearing: Hearing) -> str:
    name = {"application": "applications:detail", "base": "bases:detail"}.get(hearing.content_type.model)
    return reverse(name, args=[hearing.object_id]) if name else ""


@allowed(Hearing, "view", load="pk")
def hearing_document(request, hearing, doc_pk):
    doc = get_object_or_404(hearing.documents, pk=doc_pk)
    return uploads.serve(doc.file, filename=doc.original_name, content_type=doc.content_type)


@allowed("keep_appeals")
def appeal_list(request):
    qs = Appeal.objects.select_related("decision", "institution")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/appeals.html", {"page_obj": page})


@allowed("keep_appeals")
def appeal_new(request, decision_pk):
    decision = get_object_or_404(Decision.objects.filter(adverse=True), pk=decision_pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            appeal = hearings.record_appeal(
                actor=request.user,
                decision_id=decision.pk,
                kind=d["kind"],
                authority=d["authority"],
                filed_on=d["filed_on"],
                case_number=d["case_number"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记{appeal.get_kind_display()}。")
            return redirect("applications:appeal", pk=appeal.pk)
    return render(request, "applications/appeal_form.html", {"decision": decision, "form": form})


@allowed(Appeal, "view", load="pk", queryset=Appeal.objects.select_related("decision", "institution"))
def appeal_detail(request, appeal):
    form = AppealOutcomeForm(request.POST or None)
    if request.method == "POST":
        if not access.may(request.user, "keep_appeals"):
            raise Http404("页面不存在。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                hearings.record_outcome(
                    actor=request.user,
                    appeal_id=appeal.pk,
                    outcome=d["outcome"],
                    outcome_on=d["outcome_on"],
                    note=d["note"],
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, "已登记结果。")
                return redirect("applications:appeal", pk=appeal.pk)
    return render(
        request,
        "applications/appeal.html",
        {
            "appeal": appeal,
            "form": form,
            "open": appeal.state == AppealState.PENDING and access.may(request.user, "keep_appeals"),
            "timeline": timeline.events_for(appeal, state_labels=dict(AppealState.choices)),
        },
    )
