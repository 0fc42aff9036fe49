"""Recognition (Art. 8(4), 9) on the application's pages: the public notice, the decision, the published list."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.forms import ApproveForm, NoticeForm
from applications.models import Application, Batch
from applications.selectors import application_detail
from applications.views import rerender_application
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import services


@allowed("recognise_bases", load="batch_pk", model=Batch)
@require_POST
def publish_batch(request, batch):
    try:
        announcement = services.publish_recognitions(actor=request.user, batch=batch)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("applications:batches")
    messages.success(request, f"已公布{announcement.bases.count()}家基地，并发布公告。")
    return redirect("public:announcement", pk=announcement.pk)


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
    candidates = services.candidates(batch)
    form = NoticeForm(
        request.POST or None,
        candidates=candidates,
        initial={"starts_on": timezone.localdate(), "working_days": services.DEFAULT_WORKING_DAYS},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.publish_notice(
                actor=request.user,
                batch=batch,
                application_ids=[a.pk for a in d["applications"]],
                starts_on=d["starts_on"],
                working_days=d["working_days"],
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已发布公示，公示期至{notice.ends_on:%Y年%-m月%-d日}。")
            return redirect("public:announcement", pk=notice.announcement_id)
    return render(
        request, "applications/notice_form.html", {"batch": batch, "form": form, "has_candidates": candidates.exists()}
    )
