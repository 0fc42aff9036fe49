"""The signed-in pages about bases: an institution's own, a recommender's, the province's list."""

import csv
import io
import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from applications.models import Batch
from jxjy_portal import access, timeline, uploads
from jxjy_portal.access import role_required
from jxjy_portal.throttle import rate_limit
from jxjy_portal.users.models import Role
from jxjy_portal.workflow import RuleViolation
from reports import columns, exports

from . import plaque as plaque_pdf
from . import selectors, services
from .cache import cached_public_page
from .forms import (
    AnnualFilingForm,
    ChangeFilingForm,
    DecisionForm,
    FeeDisclosureForm,
    FilingFilterForm,
    ProgrammeFormSet,
    RegisterFilterForm,
    VerifyForm,
    programme_initial,
)
from .models import CHANGEABLE_FIELDS, Announcement, BaseStatus, ChangeFiling, FilingState
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
    if not base.published_at or base.status not in (BaseStatus.ACTIVE, BaseStatus.RECTIFYING):
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


@cached_public_page
def register(request):
    """The published register of bases: search, filters, sorting, pagination."""
    form = RegisterFilterForm(request.GET or None, years=selectors.register_years())
    page = Paginator(selectors.register_page(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/register.html", {"form": form, "page_obj": page})


@cached_public_page
def public_detail(request, pk):
    base = selectors.public_base(pk)
    return render(
        request,
        "public/base_detail.html",
        {
            "base": base,
            "fee": getattr(base, "fee_disclosure", None),
            "changes": list(selectors.public_change_history(base)),
            "announcements": list(selectors.announcements_about(base)[:20]),
            # Art. 21: the published inspection results, which the template lists.
            "inspections": list(base.inspections.filter(state="published").order_by("-inspected_on", "-id")),
        },
    )


@rate_limit("verify")
def verify(request, code=None):
    """Is this plaque genuine, and what is the base's status now?"""
    form = VerifyForm(request.GET or None, initial={"code": code})
    looked_up = code or (form.cleaned_data["code"] if form.is_valid() else None)
    base = selectors.base_by_code(looked_up) if looked_up else None
    return render(request, "public/verify.html", {"form": form, "code": looked_up, "base": base})


@cached_public_page
def announcement_list(request):
    page = Paginator(selectors.announcements(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/announcements.html", {"page_obj": page})


@cached_public_page
def announcement_detail(request, pk):
    announcement = get_object_or_404(Announcement, pk=pk)
    return render(request, "public/announcement.html", {"announcement": announcement})


def open_data(request):
    return render(request, "public/open_data.html", {"fields": selectors.OPEN_DATA_FIELDS})


@rate_limit("open_data")
def open_data_csv(request):
    filters = RegisterFilterForm(request.GET or None).filters()
    keys = [key for key, _, _ in selectors.OPEN_DATA_FIELDS]

    def rows():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=keys)
        yield "\ufeff"  # BOM: Excel opens UTF-8 correctly
        writer.writeheader()
        for record in selectors.open_data_csv_rows(filters):
            writer.writerow(record)
            if buffer.tell() > 32_768:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "fujian-jxjy-bases.csv")
    return response


@rate_limit("open_data")
def open_data_json(request):
    filters = RegisterFilterForm(request.GET or None).filters()

    def chunks():
        yield '{"fields": ' + json.dumps([k for k, _, _ in selectors.OPEN_DATA_FIELDS]) + ', "bases": ['
        first = True
        for record in selectors.open_data_rows(filters):
            yield ("" if first else ",") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")


# -- annual plan and report (Art. 19) ------------------------------------------------------------------------


@role_required(Role.INSTITUTION)
def filings(request):
    """The institution's filings, and the years it still has to file."""
    today = timezone.localdate()
    own = list(selectors.filings_of_institution(request.user))
    have = {(f.base_id, f.year) for f in own}
    bases = list(selectors.bases_for(request.user).filter(status__in=[BaseStatus.ACTIVE, BaseStatus.RECTIFYING]))
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
    actions = FILING_WORKFLOW.available(filing.state, request.user.role)
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
                "actions": FILING_WORKFLOW.available(filing.state, request.user.role),
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
