"""The signed-in pages about bases: an institution's own, a recommender's, the province's list."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import Role
from applications.forms import ApproveForm, NoticeForm
from applications.models import Batch
from applications.selectors import application_detail
from applications.views import rerender_application
from core import access, exports, timeline, uploads
from core.access import role_required
from core.errors import RuleViolation

from . import exports as columns
from . import plaque as plaque_pdf
from . import selectors, services
from .forms import (
    AnnualFilingForm,
    ChangeFilingForm,
    DecisionForm,
    FeeDisclosureForm,
    FilingFilterForm,
    ProgrammeFormSet,
    programme_initial,
)
from .models import CHANGEABLE_FIELDS, LIVE_STATUSES, BaseStatus, ChangeFiling, FilingState
from .workflow import EDITABLE_FILING, FILING_WORKFLOW

PAGE_SIZE = 20


def _list(request, title):
    if export := exports.respond(
        request, rows=selectors.bases_for(request.user), columns=columns.BASES, filename=title
    ):
        return export
    page = Paginator(selectors.bases_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bases/list.html", {"page_obj": page, "title": title})


@role_required(Role.INSTITUTION)
def mine(request):
    return _list(request, "我的基地")


@role_required(Role.RECOMMENDER)
def recommended(request):
    return _list(request, "本单位推荐的基地")


@role_required(Role.PROVINCE)
def province_list(request):
    return _list(request, "基地名册")


@role_required(Role.INSTITUTION, Role.RECOMMENDER, Role.PROVINCE)
def detail(request, pk):
    base = selectors.base_detail(request.user, pk)
    return render(
        request,
        "bases/detail.html",
        {
            "base": base,
            "annual_filings": list(base.annual_filings.order_by("-year")[:6]),
            "fee": getattr(base, "fee_disclosure", None),
            "filings": list(access.visible(request.user, base.change_filings.all()).order_by("-submitted_at")[:10]),
            "inspections": list(access.visible(request.user, base.inspections.all()).order_by("-scheduled_on")[:10]),
            "rectifications": list(
                access.visible(request.user, base.rectifications.all()).order_by("-ordered_at")[:10]
            ),
            "revocation": getattr(base, "revocation", None),
            "timeline": timeline.events_for(base, state_labels=dict(BaseStatus.choices)),
        },
    )


# -- the institution's and the province's work on a base -------------------------------------------------


@role_required(Role.INSTITUTION, Role.PROVINCE)
def plaque(request, pk):
    """The plaque PDF (Art. 9) for the base's own institution and the province."""
    base = selectors.base_detail(request.user, pk)
    if not base.published_at or base.status not in LIVE_STATUSES:
        # A plaque whose code would not verify as a current base must not be printed.
        messages.error(
            request,
            "该基地尚未公布或资格已撤销/取消，不能下载匾牌。"
            if base.published_at
            else "该基地尚未公布，公布后方可下载匾牌。",
        )
        return redirect("bases:detail", pk=base.pk)
    response = HttpResponse(plaque_pdf.render(base), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"匾牌-{base.register_number}.pdf")
    return response


@role_required(Role.INSTITUTION)
def fee_disclosure(request, pk):
    base = selectors.base_detail(request.user, pk)
    current = getattr(base, "fee_disclosure", None)
    form = FeeDisclosureForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_fee_disclosure(actor=request.user, base_id=base.pk, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "收费公开信息已更新，并在基地公开页面展示。")
            return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/fee_disclosure.html", {"base": base, "form": form})


@role_required(Role.INSTITUTION)
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
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "变更备案已提交，待省人社厅备案。")
            return redirect("bases:change_detail", pk=filing.pk)
    return render(request, "bases/change_form.html", {"base": base, "form": form})


@role_required(Role.INSTITUTION, Role.PROVINCE)
def change_list(request):
    if export := exports.respond(
        request, rows=selectors.change_filings_for(request.user), columns=columns.CHANGES, filename="变更备案"
    ):
        return export
    page = Paginator(selectors.change_filings_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bases/change_list.html", {"page_obj": page})


@role_required(Role.INSTITUTION, Role.PROVINCE)
def change_detail(request, pk):
    filing = access.get_visible_or_404(request.user, ChangeFiling.objects.select_related("base", "submitted_by"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if request.user.role != Role.PROVINCE:
            raise Http404
        if form.is_valid():
            try:
                services.decide_change(
                    actor=request.user,
                    filing_id=filing.pk,
                    accept="accept" in request.POST,
                    comment=form.cleaned_data["comment"],
                )
            except RuleViolation as error:
                form.add_error("comment" if error.field == "comment" else None, str(error))
            else:
                messages.success(request, "已办理变更备案。")
                return redirect("bases:change_detail", pk=filing.pk)
    return render(request, "bases/change_detail.html", {"filing": filing, "form": form})


@role_required(Role.INSTITUTION, Role.PROVINCE)
def change_evidence(request, pk):
    filing = access.get_visible_or_404(request.user, ChangeFiling, pk=pk)
    return uploads.serve(filing.evidence, filename=filing.evidence_name, content_type=filing.evidence_type)


@role_required(Role.PROVINCE)
@require_POST
def publish_batch(request, batch_pk):
    batch = access.get_visible_or_404(request.user, Batch, pk=batch_pk)
    try:
        announcement = services.publish_recognitions(actor=request.user, batch=batch)
    except RuleViolation as error:
        messages.error(request, str(error))
        return redirect("applications:batches")
    messages.success(request, f"已公布{announcement.bases.count()}家基地，并发布公告。")
    return redirect("public:announcement", pk=announcement.pk)


# -- the public side (no login) --------------------------------------------------------------------------


# -- annual plan and report (Art. 19) ------------------------------------------------------------------------


@role_required(Role.INSTITUTION)
def filings(request):
    """The institution's filings, and the years it still has to file."""
    today = timezone.localdate()
    own = list(selectors.filings_of_institution(request.user))
    have = {(f.base_id, f.year) for f in own}
    bases = list(selectors.bases_for(request.user).live())
    to_start = [
        (b, y)
        for b in bases
        for y in (today.year - 1, today.year)
        if y >= b.recognised_on.year and (b.pk, y) not in have
    ]
    return render(request, "bases/filings.html", {"filings": own, "to_start": to_start, "today": today})


@role_required(Role.INSTITUTION)
@require_POST
def filing_start(request, base_pk, year):
    try:
        filing = services.start_filing(actor=request.user, base_id=base_pk, year=year)
    except RuleViolation as error:
        messages.error(request, str(error))
        return redirect("bases:filings")
    return redirect("bases:filing_edit", pk=filing.pk)


@role_required(Role.INSTITUTION)
def filing_edit(request, pk):
    """The report on year Y and the plan for Y+1, saved as a draft at any time and submitted together."""
    filing = selectors.filing_detail(request.user, pk)
    if filing.state not in EDITABLE_FILING:
        return redirect("bases:filing_detail", pk=filing.pk)
    form = AnnualFilingForm(request.POST or None, instance=filing)
    programmes = ProgrammeFormSet(
        request.POST or None,
        prefix="programmes",
        initial=None if request.method == "POST" else programme_initial(filing),
    )
    if request.method == "POST":
        if form.is_valid() & programmes.is_valid():
            try:
                services.save_filing(
                    actor=request.user,
                    filing_id=filing.pk,
                    data={k: form.cleaned_data.get(k) for k in form.fields},
                    programmes=programmes.rows(),
                )
                if "submit" in request.POST:
                    services.filing_transition(
                        actor=request.user,
                        filing_id=filing.pk,
                        action="submit",
                        expected_state=request.POST.get("expected_state") or None,
                    )
            except RuleViolation as error:
                messages.error(request, ("已保存草稿，但" if "submit" in request.POST else "") + str(error))
            else:
                if "submit" in request.POST:
                    messages.success(request, "年度报告和下一年度计划已报送省人社厅备案。")
                    return redirect("bases:filing_detail", pk=filing.pk)
                messages.success(request, "草稿已保存。")
                return redirect("bases:filing_edit", pk=filing.pk)
            filing = selectors.filing_detail(request.user, pk)
            form = AnnualFilingForm(instance=filing)
            programmes = ProgrammeFormSet(prefix="programmes", initial=programme_initial(filing))
        else:
            messages.error(request, "有内容填写不正确，请按提示修改（已填写的内容均已保留，尚未保存）。")
    return render(request, "bases/filing_edit.html", {"filing": filing, "form": form, "programmes": programmes})


@role_required(Role.INSTITUTION, Role.PROVINCE, Role.RECOMMENDER)
def filing_detail(request, pk):
    filing = selectors.filing_detail(request.user, pk)
    actions = FILING_WORKFLOW.available(filing, request.user)
    return render(
        request,
        "bases/filing_detail.html",
        {
            "filing": filing,
            "programmes": list(filing.programmes.all()),
            "actions": [t for t in actions if t.action != "submit"],
            "form": DecisionForm(),
            "timeline": timeline.events_for(filing, state_labels=dict(FilingState.choices)),
        },
    )


@role_required(Role.PROVINCE)
@require_POST
def filing_act(request, pk, action):
    filing = selectors.filing_detail(request.user, pk)
    if action not in ("accept", "return"):
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.filing_transition(
            actor=request.user,
            filing_id=filing.pk,
            action=action,
            comment=form.cleaned_data.get("comment", ""),
            expected_state=request.POST.get("expected_state") or None,
        )
    except RuleViolation as error:
        form.add_error("comment" if error.field == "comment" else None, str(error))
        messages.error(request, str(error))
        return render(
            request,
            "bases/filing_detail.html",
            {
                "filing": filing,
                "programmes": list(filing.programmes.all()),
                "form": form,
                "actions": FILING_WORKFLOW.available(filing, request.user),
                "timeline": timeline.events_for(filing, state_labels=dict(FilingState.choices)),
            },
            status=400,
        )
    messages.success(request, "已予以备案。" if action == "accept" else "已退回修改。")
    return redirect("bases:filing_queue")


def _year_param(request, *, default: int) -> int:
    """A year from the query string, or the default when it is missing or not a plausible year."""
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text[:5]) <= 2100 and len(text) == 4 else default


def _filing_years():
    today = timezone.localdate()
    return list(range(today.year, today.year - 6, -1))


@role_required(Role.PROVINCE)
def filing_queue(request):
    form = FilingFilterForm(request.GET or None, years=_filing_years())
    qs = selectors.filing_queue(request.user, form.filters())
    if export := exports.respond(request, rows=qs, columns=columns.FILINGS, filename="年度报告"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bases/filing_queue.html", {"form": form, "page_obj": page})


@role_required(Role.PROVINCE)
def filing_overview(request):
    today = timezone.localdate()
    year = _year_param(request, default=today.year)
    rows = list(selectors.year_overview(year, today))
    deadline_passed = today > date(year, 12, 31)
    counts = {
        "total": len(rows),
        "filed": sum(1 for r in rows if r.filing_state in ("submitted", "accepted")),
        "overdue": sum(1 for r in rows if r.filing_overdue and r.filing_state not in ("submitted", "accepted")),
    }
    counts["missing"] = counts["total"] - counts["filed"]
    return render(
        request,
        "bases/filing_overview.html",
        {"rows": rows, "year": year, "years": _filing_years(), "counts": counts, "deadline_passed": deadline_passed},
    )


# -- recognition (Art. 8(4), 9): the public notice and the decision, on the application's pages ---------


@role_required(Role.PROVINCE)
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
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已认定，基地编号{base.register_number}。")
            return redirect("applications:detail", pk=app.pk)
    return rerender_application(request, app, approve=form)


@role_required(Role.PROVINCE)
def notice_new(request, batch_pk):
    batch = access.get_visible_or_404(request.user, Batch, pk=batch_pk)
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
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布公示，公示期至{notice.ends_on:%Y年%-m月%-d日}。")
            return redirect("public:announcement", pk=notice.announcement_id)
    return render(
        request, "applications/notice_form.html", {"batch": batch, "form": form, "has_candidates": candidates.exists()}
    )
