"""Fee disclosure and change filings (Art. 29, 31)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core import access, exports, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import ConfirmPublishForm, show_refusal

from .. import exports as columns
from .. import selectors, services
from ..forms import (
    ChangeFilingForm,
    DecisionForm,
    FeeDisclosureForm,
)
from ..models import CHANGEABLE_FIELDS, Base, ChangeFiling
from . import PAGE_SIZE
from .publishing import preview


@allowed(Base, "disclose_fees")
def fee_disclosure(request, pk):
    base = selectors.base_detail(request.user, pk)
    current = getattr(base, "fee_disclosure", None)
    form = FeeDisclosureForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_fee_disclosure(actor=request.user, base_id=base.pk, **form.cleaned_data)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "收费公开信息已更新，并在基地公开页面展示。")
            return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/fee_disclosure.html", {"base": base, "form": form})


@allowed(Base, "file_change")
def change_new(request, pk):
    base = selectors.base_detail(request.user, pk)
    initial = {name: getattr(base, name) for name in CHANGEABLE_FIELDS}
    form = ChangeFilingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and uploads.form_is_valid(request, form):
        d = form.cleaned_data
        try:
            filing = services.file_change(
                actor=request.user,
                base_id=base.pk,
                changes={k: d[k] for k in CHANGEABLE_FIELDS},
                reason=d["reason"],
                evidence=d["evidence"],
            )
        except ValidationError as error:
            form.add_error("evidence", error)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "变更备案已提交，待省人社厅备案。")
            return redirect("bases:change_detail", pk=filing.pk)
    return render(request, "bases/change_form.html", {"base": base, "form": form})


@allowed("see_change_filings")
def change_list(request):
    if export := exports.respond(
        request, rows=selectors.change_filings_for(request.user), columns=columns.CHANGES, filename="变更备案"
    ):
        return export
    page = Paginator(selectors.change_filings_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bases/change_list.html", {"page_obj": page})


@allowed(ChangeFiling, "view", load="pk", queryset=ChangeFiling.objects.select_related("base", "submitted_by"))
def change_detail(request, changefiling):
    filing = changefiling
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not access.may_ever(request.user, ChangeFiling, "accept"):
            raise Http404
        accept = "accept" in request.POST
        confirm = ConfirmPublishForm(request.POST)
        draft = services.change_draft(filing) if accept and access.can(request.user, "accept", filing) else None
        if form.is_valid() and draft is not None and not confirm.is_valid():  # the announcement's text first
            url = reverse("bases:change_detail", args=[filing.pk])
            return preview(request, draft, action=url, back=url, back_label="变更备案", data=request.POST)
        if form.is_valid():
            try:
                services.decide_change(
                    actor=request.user,
                    filing_id=filing.pk,
                    accept=accept,
                    comment=form.cleaned_data["comment"],
                    expected_digest=confirm.cleaned_data["digest"] if confirm.is_valid() else None,
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, "已办理变更备案。")
                return redirect("bases:change_detail", pk=filing.pk)
    return render(request, "bases/change_detail.html", {"filing": filing, "form": form})


@allowed(ChangeFiling, "view", load="pk")
def change_evidence(request, changefiling):
    filing = changefiling
    return uploads.serve(filing.evidence, filename=filing.evidence_name, content_type=filing.evidence_type)
