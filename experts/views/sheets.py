"""An expert's scored form for its seat (Art. 26): one fieldset per condition or item of the panel — a score on
the published scale, a verdict and a comment — with files; saved as a draft, then submitted and locked. A
correction is a new version, started from a submitted one with its reason; every version stays readable."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from core import access, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import ReasonForm, SheetForm, score_row_formset
from ..models import Assignment, ScoreSheet, SheetState
from .seats import SEATS

SHEETS = ScoreSheet.objects.select_related("assignment__panel__institution__region", "assignment__expert")


def _items(panel) -> list[tuple[str, str, str]]:
    return [(str(code), label, article or "") for code, label, article in panel.items]


@allowed(Assignment, "score", load="pk", queryset=SEATS)
def sheet_edit(request, assignment):
    """GET: the draft (or a new form from the panel's items); POST: save it, or submit it (`submit`)."""
    refused = access.refusal(request.user, "score", assignment)
    if refused is not None:
        messages.error(request, str(refused))
        return redirect("experts:assignment", pk=assignment.pk)
    versions = selectors.seat_sheets(assignment, request.user)
    draft = next((s for s in versions if s.state == SheetState.DRAFT), None)
    if draft is None and versions:
        messages.info(request, f"评分表第{versions[0].version}版已提交并锁定；如需更正，请在该版本页面提交更正。")
        return redirect("experts:sheet", pk=versions[0].pk)
    items = _items(assignment.panel)
    submitting = request.method == "POST" and "submit" in request.POST
    status = 200
    if request.method == "POST":
        rows = score_row_formset(items, data=request.POST, submitting=submitting)
        form = SheetForm(request.POST, request.FILES, submitting=submitting)
        if uploads.form_is_valid(request, form) & rows.is_valid():
            checked = form.cleaned_data["attachment"]
            try:
                sheet = services.save_sheet(
                    actor=request.user,
                    assignment_id=assignment.pk,
                    scores=rows.scores(),
                    files=[checked] if checked else [],
                    submit=submitting,
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                if submitting:
                    messages.success(request, f"评分表第{sheet.version}版已提交，现已锁定。")
                    return redirect("experts:sheet", pk=sheet.pk)
                messages.success(request, "评分表已保存为草稿，提交前仍可修改。")
                return redirect("experts:sheet_edit", pk=assignment.pk)
        status = 400
    else:
        initial = None
        if draft is not None:
            by_code = {row.code: row for row in draft.rows.all()}
            initial = [
                {"score": r.score, "verdict": r.verdict, "comment": r.comment}
                for r in (by_code.get(code) for code, _, _ in items)
                if r is not None
            ] or None
        rows = score_row_formset(items, initial=initial)
        form = SheetForm()
    return render(
        request,
        "experts/sheet_form.html",
        {
            "assignment": assignment,
            "panel": assignment.panel,
            "draft": draft,
            "versions": [s for s in versions if s.state != SheetState.DRAFT],
            "rows": rows,
            "form": form,
            "scale": settings.EXPERT_SCORE_MAX,
        },
        status=status,
    )


@allowed(ScoreSheet, "view", load="pk", queryset=SHEETS)
def sheet_detail(request, scoresheet):
    sheet = scoresheet
    return render(
        request,
        "experts/sheet.html",
        {
            "sheet": sheet,
            "assignment": sheet.assignment,
            "panel": sheet.assignment.panel,
            "versions": selectors.seat_sheets(sheet.assignment, request.user),
        },
    )


@allowed(ScoreSheet, "correct", load="pk", queryset=SHEETS)
def sheet_correct(request, scoresheet):
    """GET: ask the reason of the correction; POST: start the new version from this submitted one."""
    sheet = scoresheet
    refused = access.refusal(request.user, "correct", sheet)
    if refused is not None:
        messages.error(request, str(refused))
        return redirect("experts:sheet", pk=sheet.pk)
    form = ReasonForm(request.POST or None, label="更正原因", required_message="请写明更正的原因。")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                correction = services.correct_sheet(
                    actor=request.user, sheet_id=sheet.pk, reason=form.cleaned_data["reason"]
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(
                    request, f"已生成评分表第{correction.version}版（更正版本）；提交后取代第{sheet.version}版。"
                )
                return redirect("experts:sheet_edit", pk=sheet.assignment_id)
        status = 400
    return render(
        request,
        "experts/sheet_correct.html",
        {"sheet": sheet, "assignment": sheet.assignment, "panel": sheet.assignment.panel, "form": form},
        status=status,
    )


@allowed(ScoreSheet, "view", load="pk")
def sheet_document(request, scoresheet, doc_pk):
    doc = get_object_or_404(scoresheet.documents, pk=doc_pk)
    return uploads.serve(doc.file, filename=doc.original_name, content_type=doc.content_type)
