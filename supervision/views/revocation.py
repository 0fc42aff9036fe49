"""Revocation and cancellation pages (Art. 23, 24)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from applications import hearings
from applications.models import HearingKind
from bases.models import Base
from bases.views.publishing import carry_digest
from core import access, decisions, exports, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import exports as columns
from .. import selectors, services
from ..forms import (
    CancellationDecisionForm,
    CancellationRequestForm,
    RevocationForm,
)
from ..models import (
    CancellationRequest,
    RevocationGround,
)
from . import PAGE_SIZE


@allowed(Base, "revoke", load="base_pk")
def revoke(request, base):
    """Two steps (SPEC 2.10): the notice of the intended revocation, then the decision once heard."""
    hearing = hearings.pending(base, HearingKind.REVOCATION)
    proposal = hearing.proposal if hearing else {}
    initial = {
        "effective_on": max(date.fromisoformat(proposal["effective_on"]), timezone.localdate())
        if proposal.get("effective_on")
        else timezone.localdate(),
        "rectification": proposal.get("rectification_id") or request.GET.get("rectification"),
        "ground": proposal.get("ground") or ("failed_rectification" if request.GET.get("rectification") else None),
        "reason": proposal.get("reason", ""),
    }
    deciding = hearing is not None
    form = RevocationForm(request.POST or None, request.FILES or None, initial=initial, deciding=deciding)
    if request.method == "POST" and uploads.form_is_valid(request, form):
        d = form.cleaned_data
        try:
            if not deciding:
                hearing = services.propose_revocation(
                    actor=request.user,
                    base_id=base.pk,
                    ground=d["ground"],
                    reason=d["reason"],
                    effective_on=d["effective_on"],
                    rectification_id=d.get("rectification"),
                )
                messages.success(
                    request,
                    f"已发出拟撤销告知书（{hearing.notice.number}），陈述申辩截止{hearing.deadline:%Y年%-m月%-d日}。",
                )
                return redirect("supervision:revoke", base_pk=base.pk)
            if not d["digest"]:  # no preview confirmed: show it, publish nothing
                raise RuleViolation("请核对下方将向社会公布的公告内容，确认无误后再作出决定。")
            revocation = services.revoke(
                actor=request.user,
                base_id=base.pk,
                ground=d["ground"],
                reason=d["reason"],
                effective_on=d["effective_on"],
                document=d["document"],
                rectification_id=d.get("rectification"),
                response=d["response"],
                expected_digest=d["digest"],
            )
        except ValidationError as error:
            form.add_error("document", error)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            if revocation.is_pending:
                messages.success(
                    request,
                    f"已作出{revocation.word}决定，自{revocation.effective_on:%Y年%-m月%-d日}起生效，并发布公告。",
                )
            else:
                messages.success(request, f"已{revocation.word}基地资格，并发布公告。")
            last_day = revocation.bar_last_day
            if last_day and (warning := decisions.validity_warning(last_day)):  # Art. 34
                messages.warning(request, f"不再受理期限的最后一日{warning}")
            return redirect("bases:detail", pk=base.pk)
    draft = _announcement_preview(base, form) if deciding else None
    if draft is not None:
        carry_digest(form, draft)
    return render(
        request,
        "supervision/revoke.html",
        {
            "base": base,
            "form": form,
            "hearing": hearing,
            "may_decide": not hearing or hearing.may_be_decided(),
            "draft": draft,
        },
    )


def _announcement_preview(base, form):
    """The announcement the decision will publish, from what the form holds now (SPEC 2.10, issue 14 (6))."""
    if form.is_bound:  # what was posted, even when refused as a whole (not yet confirmed, or changed since)
        values = form.cleaned_data  # a field in error is missing from it: nothing to preview yet
    else:
        values = {name: form.initial.get(name) for name in ("ground", "reason", "effective_on")}
    if not (values.get("ground") and values.get("reason") and values.get("effective_on")):
        return None
    return services.announcement_draft(
        base, ground=values["ground"], reason=values["reason"], effective_on=values["effective_on"]
    )


@allowed(Base, "request_cancellation", load="base_pk")
def cancellation_new(request, base):
    form = CancellationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_cancellation(actor=request.user, base_id=base.pk, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "取消资格申请已提交省人社厅。")
            return redirect("supervision:cancellation", pk=req.pk)
    return render(request, "supervision/cancellation_form.html", {"base": base, "form": form})


@allowed("see_cancellations")
def cancellation_list(request):
    qs = selectors.cancellation_requests_for(request.user)
    if export := exports.respond(request, rows=qs, columns=columns.CANCELLATIONS, filename="取消资格申请"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/cancellations.html", {"page_obj": page})


@allowed(
    CancellationRequest, "view", load="pk", queryset=CancellationRequest.objects.select_related("base", "requested_by")
)
def cancellation_detail(request, cancellationrequest):
    req = cancellationrequest
    heard_first = services.needs_hearing(RevocationGround.REQUESTED, req)
    hearing = hearings.pending(req.base, HearingKind.CANCELLATION) if heard_first else None
    form = CancellationDecisionForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "effective_on": timezone.localdate(),
            "apply_bar": "yes" if services.bar_by_default(req) else "no",
        },
    )
    if request.method == "POST":
        if not access.may_ever(request.user, CancellationRequest, "grant"):
            raise Http404
        if uploads.form_is_valid(request, form):
            d = form.cleaned_data
            try:
                if "notify" in request.POST:
                    hearing = services.propose_cancellation(
                        actor=request.user,
                        request_id=req.pk,
                        effective_on=d.get("effective_on") or timezone.localdate(),
                        reason=d["decision"] or "",
                    )
                    messages.success(
                        request,
                        f"已发出拟取消告知书（{hearing.notice.number}），陈述申辩截止{hearing.deadline:%Y年%-m月%-d日}。",
                    )
                    return redirect("supervision:cancellation", pk=req.pk)
                granting = "grant" in request.POST
                if granting and not d["digest"]:  # no preview confirmed: show it, publish nothing
                    raise RuleViolation("请核对下方将向社会公布的公告内容，确认无误后再同意取消。")
                services.decide_cancellation(
                    actor=request.user,
                    request_id=req.pk,
                    grant=granting,
                    decision=d["decision"] or "",
                    effective_on=d.get("effective_on"),
                    document=d.get("document"),
                    bars=d.get("apply_bar"),  # None: the default ruling
                    bar_ruling=d.get("bar_ruling") or "",
                    response=d.get("response") or "",
                    expected_digest=d["digest"] if granting else None,
                )
            except ValidationError as error:
                form.add_error("document", error)
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, "已作出决定。")
                return redirect("supervision:cancellation", pk=req.pk)
    may_grant = not heard_first or (hearing is not None and hearing.may_be_decided())
    draft = _cancellation_preview(req, form) if may_grant and access.can(request.user, "grant", req) else None
    if draft is not None:
        carry_digest(form, draft)
    return render(
        request,
        "supervision/cancellation.html",
        {
            "req": req,
            "form": form,
            "heard_first": heard_first,
            "hearing": hearing,
            "may_grant": may_grant,
            "draft": draft,
        },
    )


def _cancellation_preview(req, form):
    """The announcement a grant will publish, from what the form holds now (issue 15 (7))."""
    terms = ("decision", "effective_on", "apply_bar", "bar_ruling")
    if not form.is_bound:
        return services.cancellation_draft(req, effective_on=form.initial.get("effective_on"))  # the default ruling
    if any(name in form.errors for name in terms):  # nothing to preview until these are right
        return None
    d = form.cleaned_data
    return services.cancellation_draft(
        req,
        decision=d.get("decision") or "",
        effective_on=d.get("effective_on"),
        bars=d.get("apply_bar"),
        bar_ruling=d.get("bar_ruling") or "",
    )
