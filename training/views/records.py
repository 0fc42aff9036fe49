"""Learning records (Art. 28): the province finds a trainee by ID number and sees, or exports, their classes at
every base; the province exports every trainee's hours of a year; a base prints a class's attendance and
results sheet (Art. 18). Every page or file that shows full ID numbers is logged (PIPL)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core import exports as core_exports
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import attendance, exports, selectors
from ..forms import LearningHoursForm, LearningRecordForm
from ..models import TrainingClass
from ..services import records
from .classes import CLASSES

NO_STORE = "no-store"


@allowed(records.LEARNING_RECORDS)
def learning_record(request):
    """The look-up form (the number is posted, never in the URL) and, on the answer, the trainee's classes."""
    form = LearningRecordForm(request.POST or None)
    record = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("export") == "xlsx":
                found = records.export_learning_record(actor=request.user, **data)
                stamp = f"学习档案-{data['id_number'][:4]}-{timezone.localdate():%Y%m%d}"
                response = core_exports.xlsx_response(
                    found.rows, exports.learning_record(found.id_number), stamp, title="学习档案"
                )
                response["Cache-Control"] = NO_STORE
                return response
            record = records.look_up_learning_record(actor=request.user, **data)
        except RuleViolation as error:
            show_refusal(request, error, form)
    response = render(request, "training/learning_record.html", {"form": form, "record": record})
    response["Cache-Control"] = NO_STORE
    return response


@allowed(records.LEARNING_RECORDS)
def learning_hours(request):
    """Every trainee's hours of a year, at every base or one, as xlsx (for the 继续教育证书)."""
    bases = selectors.bases_with_classes(request.user)
    form = LearningHoursForm(request.POST or None, bases=bases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = records.export_learning_hours(actor=request.user, **data)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            stamp = f"学员学时汇总-{data['year']}-{timezone.localdate():%Y%m%d}"
            columns = exports.learning_hours(data["year"], full_numbers=data["full_numbers"])
            response = core_exports.xlsx_response(rows, columns, stamp, title=f"{data['year']}年度学时")
            response["Cache-Control"] = NO_STORE
            return response
    return render(request, "training/learning_hours.html", {"form": form})


@allowed(TrainingClass, "print_sheet", load="pk", queryset=CLASSES)
@require_GET
def class_sheet_pdf(request, trainingclass):
    """The class's 签到及考核结果表 (Art. 18), ID numbers masked, for the base to print and have signed."""
    pdf = attendance.render(trainingclass, selectors.sheet_participants(trainingclass))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"签到及考核结果表-{trainingclass.record_id or trainingclass.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
