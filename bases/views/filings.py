"""Annual plan and report (Art. 19): the institution fills it in, the province decides and watches the year."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access, exports, timeline
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import exports as columns
from .. import selectors, services, verification
from ..forms import (
    AnnualFilingForm,
    DecisionForm,
    FilingFilterForm,
    FilingToleranceForm,
    ProgrammeFormSet,
    programme_initial,
)
from ..models import FILED_STATES, AnnualFiling, FilingState
from ..workflow import FILING_WORKFLOW
from . import PAGE_SIZE


@allowed("file_annual_reports")
def filings(request):
    """The institution's filings, and the years it still has to file."""
    today = timezone.localdate()
    own = access.bind(request.user, list(selectors.filings_of_institution(request.user)))
    have = {(f.base_id, f.year) for f in own}
    bases = list(selectors.bases_for(request.user).live())
    to_start = [
        (b, y)
        for b in bases
        for y in (today.year - 1, today.year)
        if y >= b.recognised_on.year and (b.pk, y) not in have
    ]
    return render(request, "bases/filings.html", {"filings": own, "to_start": to_start, "today": today})


@allowed("file_annual_reports")
@require_POST
def filing_start(request, base_pk, year):
    try:
        filing = services.start_filing(actor=request.user, base_id=base_pk, year=year)
    except RuleViolation as error:
        show_refusal(request, error)
        return redirect("bases:filings")
    return redirect("bases:filing_edit", pk=filing.pk)


@allowed(AnnualFiling, "edit")
def filing_edit(request, pk):
    """The report on year Y and the plan for Y+1, saved as a draft at any time and submitted together."""
    filing = selectors.filing_detail(request.user, pk)
    if not access.can(request.user, "edit", filing):
        return redirect("bases:filing_detail", pk=filing.pk)
    form = AnnualFilingForm(request.POST or None, instance=filing)
    programmes = ProgrammeFormSet(
        request.POST or None,
        prefix="programmes",
        initial=None if request.method == "POST" else programme_initial(filing),
    )
    if programmes.row_added:  # 添加一行 without JavaScript: the page again as typed, one row longer
        messages.info(request, "已添加一行（尚未保存）。填写后请点击“保存草稿”。")
    elif request.method == "POST":
        if form.is_valid() & programmes.is_valid():
            try:
                services.save_filing(
                    actor=request.user,
                    filing_id=filing.pk,
                    data={k: form.cleaned_data.get(k) for k in form.fields},
                    programmes=programmes.rows(),
                )
                if "fill" in request.POST:
                    if services.fill_filing_from_records(actor=request.user, filing_id=filing.pk):
                        messages.success(
                            request, "草稿已保存，年度报告的培训人数和培训项目已按本年度培训记录填入，请核对。"
                        )
                    else:
                        messages.warning(request, f"草稿已保存；{filing.year}年没有培训记录，未改动任何数字。")
                    return redirect("bases:filing_edit", pk=filing.pk)
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
    return render(
        request,
        "bases/filing_edit.html",
        {
            "filing": filing,
            "form": form,
            "programmes": programmes,
            "returned": selectors.last_return(filing),
            "check": verification.checks_for([filing])[filing.pk],
        },
    )


def _detail(request, filing, *, form, status=200):
    actions = FILING_WORKFLOW.available(filing, request.user)
    # 真实性核查 (Art. 20): the declared figures beside the year's training records; it loads the programme
    # rows the page lists too
    check = verification.checks_for([filing])[filing.pk]
    return render(
        request,
        "bases/filing_detail.html",
        {
            "filing": filing,
            "programmes": list(filing.programmes.all()),
            "actions": [t for t in actions if t.action != "submit"],
            "form": form,
            "timeline": timeline.events_for(filing, state_labels=dict(FilingState.choices)),
            "steps": selectors.filing_steps(filing),
            "check": check,
        },
        status=status,
    )


@allowed(AnnualFiling, "view")
def filing_detail(request, pk):
    return _detail(request, selectors.filing_detail(request.user, pk), form=DecisionForm())


@allowed("review_annual_filings")
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
        show_refusal(request, error, form)
        return _detail(request, filing, form=form, status=400)
    messages.success(request, "已予以备案。" if action == "accept" else "已退回修改。")
    return redirect("bases:filing_queue")


def _year_param(request, *, default: int) -> int:
    """A year from the query string, or the default when it is missing or not a plausible year."""
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text[:5]) <= 2100 and len(text) == 4 else default


def _filing_years():
    today = timezone.localdate()
    return list(range(today.year, today.year - 6, -1))


@allowed("review_annual_filings")
def filing_queue(request):
    return _queue(request)


def _queue(request, *, tolerance_form=None, status=200):
    form = FilingFilterForm(request.GET or None, years=_filing_years())
    qs = selectors.filing_queue(request.user, form.filters())
    if export := exports.respond(request, rows=qs, columns=columns.FILINGS, filename="年度报告"):
        return export
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    percent = verification.tolerance()
    checks = verification.checks_for(list(page), percent=percent)
    for filing in page:
        filing.check = checks[filing.pk]
    tolerance_form = tolerance_form or FilingToleranceForm(initial={"tolerance_percent": percent})
    return render(
        request,
        "bases/filing_queue.html",
        {"form": form, "page_obj": page, "tolerance_form": tolerance_form},
        status=status,
    )


@allowed("review_annual_filings")
@require_POST
def filing_tolerance(request):
    """The province sets the tolerance of the 真实性核查 the queue flags by (Art. 20); a value refused comes
    back in the form as typed."""
    form = FilingToleranceForm(request.POST)
    if form.is_valid():
        try:
            services.set_filing_tolerance(actor=request.user, percent=form.cleaned_data["tolerance_percent"])
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request, f"差异容忍度已设为{form.cleaned_data['tolerance_percent']}%，备案列表按新的容忍度提示。"
            )
            return redirect("bases:filing_queue")
    messages.error(request, "差异容忍度未保存，请按提示修改。")
    return _queue(request, tolerance_form=form, status=400)


@allowed("review_annual_filings")
def filing_overview(request):
    today = timezone.localdate()
    year = _year_param(request, default=today.year)
    rows = list(selectors.year_overview(year, today))
    for row in rows:
        row.filed = row.filing_state in FILED_STATES
        row.filing_label = FilingState(row.filing_state).label if row.filing_state else ""
    deadline_passed = today > date(year, 12, 31)
    counts = {
        "total": len(rows),
        "filed": sum(1 for r in rows if r.filed),
        "overdue": sum(1 for r in rows if r.filing_overdue and not r.filed),
    }
    counts["missing"] = counts["total"] - counts["filed"]
    return render(
        request,
        "bases/filing_overview.html",
        {"rows": rows, "year": year, "years": _filing_years(), "counts": counts, "deadline_passed": deadline_passed},
    )
