"""Recognition (Art. 8(4), 9) on the application's pages: the public notice, the decision, the published list."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.forms import ApproveForm, NoticeForm
from applications.models import Application, Batch
from applications.selectors import application_detail
from applications.views import rerender_application
from core.access import allowed
from core.errors import RuleViolation
from core.forms import ConfirmPublishForm, show_refusal

from .. import services
from .publishing import preview


@allowed("recognise_bases", load="batch_pk", model=Batch)
def publish_batch(request, batch):
    """The batch's recognised list: previewed, then published on confirmation (Art. 9)."""
    confirm = ConfirmPublishForm(request.POST or None)
    if request.method == "POST" and confirm.is_valid():
        try:
            announcement = services.publish_recognitions(
                actor=request.user, batch=batch, expected_digest=confirm.cleaned_data["digest"]
            )
        except RuleViolation as error:
            show_refusal(request, error)  # e.g. the list changed since the preview: the new one is shown
        else:
            messages.success(request, f"已公布{announcement.bases.count()}家基地，并印发公布认定名单的通知。")
            return redirect("public:announcement", pk=announcement.pk)
    try:
        draft = services.recognition_list_draft(batch)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("applications:batches")
    url = reverse("bases:publish_batch", args=[batch.pk])
    return preview(request, draft, action=url, back=reverse("applications:batches"), back_label="申报批次")


@allowed(Application, "approve")
@require_POST
def approve(request, pk):
    app = application_detail(request.user, pk)
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        d = form.cleaned_data
        try:
            base = services.approve(
                actor=request.user,
                application_id=app.pk,
                comment=d["comment"],
                recognised_on=d["recognised_on"],
                expected_state=d["expected_state"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已认定，基地编号{base.register_number}。")
            return redirect("applications:detail", pk=app.pk)
    return rerender_application(request, app, approve=form)


@allowed("recognise_bases", load="batch_pk", model=Batch)
def notice_new(request, batch):
    """The public notice before recognition: the form, its preview, and publication on confirmation."""
    candidates = services.candidates(batch)
    form = NoticeForm(
        request.POST or None,
        candidates=candidates,
        initial={"starts_on": timezone.localdate(), "working_days": services.DEFAULT_WORKING_DAYS},
    )
    confirm = ConfirmPublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if confirm.is_valid():
            try:
                notice = services.publish_notice(
                    actor=request.user,
                    batch=batch,
                    application_ids=[a.pk for a in d["applications"]],
                    starts_on=d["starts_on"],
                    working_days=d["working_days"],
                    expected_digest=confirm.cleaned_data["digest"],
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, f"已发布公示，公示期至{notice.ends_on:%Y年%-m月%-d日}。")
                return redirect("public:announcement", pk=notice.announcement_id)
        if not form.errors:  # the text first; nothing is published before it is confirmed
            try:
                draft = services.notice_draft(
                    batch=batch,
                    applications=list(d["applications"]),
                    starts_on=d["starts_on"],
                    working_days=d["working_days"],
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                url = reverse("recognition:notice_new", args=[batch.pk])
                return preview(request, draft, action=url, back=url, back_label="发布公示", data=request.POST)
    return render(
        request, "applications/notice_form.html", {"batch": batch, "form": form, "has_candidates": candidates.exists()}
    )
