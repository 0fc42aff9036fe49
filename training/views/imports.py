"""Importing the training sheet (issue 17, point 2): the upload page with the template, the import's report and
progress, and the file of rows returned to fix."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bases.models import Base
from core import access, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, sheet
from ..forms import ImportForm
from ..models import TrainingImport
from ..services import imports, records

BASES = Base.objects.select_related("institution")
IMPORTS = TrainingImport.objects.select_related("base", "user")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@allowed(Base, "keep_training", load="pk", queryset=BASES)
def import_page(request, base):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and uploads.form_is_valid(request, form):
        try:
            job = imports.start_import(
                actor=request.user, base_id=base.pk, upload=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            return redirect("training:import_detail", pk=job.pk)
    return render(
        request,
        "training/import.html",
        {"base": base, "form": form, "recent": selectors.imports_of(request.user, base)},
    )


@allowed(Base, "keep_training", load="pk", queryset=BASES)
@require_GET
def import_template(request, base):
    if request.GET.get("format") == "csv":
        header = ",".join(c.header for c in sheet.COLUMNS) + "\r\n"
        response = HttpResponse(("\ufeff" + header).encode("utf-8"), content_type="text/csv; charset=utf-8")
        name = "training-records-template.csv"
    else:
        response = HttpResponse(sheet.template(), content_type=XLSX)
        name = "training-records-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed(TrainingImport, "view", load="pk", queryset=IMPORTS)
def import_detail(request, trainingimport):
    # the base read through the import is bound to the viewer, so the page's `base|can:"keep_training"` can
    # answer (an unbound row always answers no); `can` still checks the base is in the viewer's scope
    (base,) = access.bind(request.user, [trainingimport.base])
    return render(
        request,
        "training/import_detail.html",
        {"job": trainingimport, "base": base, "problems": trainingimport.problems[:500]},
    )


@allowed(TrainingImport, "view", load="pk", queryset=TrainingImport.objects.all())
@require_GET
def import_progress(request, trainingimport):
    job = trainingimport
    return JsonResponse(
        {
            "phase": job.phase,
            "label": job.get_phase_display(),
            "percent": job.percent,
            "processed": job.processed_rows,
            "total": job.total_rows,
            "finished": job.finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@allowed(TrainingImport, "view", load="pk", queryset=TrainingImport.objects.all())
@require_GET
def import_rejected(request, trainingimport):
    if not trainingimport.rejected_file:
        messages.info(request, "本次导入没有退回的行。")
        return redirect("training:import_detail", pk=trainingimport.pk)
    # the returned rows carry the ID numbers the base typed: the download is logged (PIPL)
    records.log_returned_rows(actor=request.user, job=trainingimport)
    return uploads.serve(
        trainingimport.rejected_file,
        filename=f"退回修改-{trainingimport.file_name.rsplit('.', 1)[0]}.xlsx",
        content_type=XLSX,
    )
