"""The faculty pool (师资队伍库, Art. 16, 7(3)): the list, adding, editing and ending a teacher, the xlsx
template and its import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core import access, uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import faculty_sheet, selectors, services
from ..forms import EndTeacherForm, FacultyImportForm, TeacherForm
from ..models import Base, Teacher

BASES = Base.objects.select_related("institution")
TEACHERS = Teacher.objects.select_related("base")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@allowed("list_own_bases")
def mine(request):
    """The navigation's 师资队伍: the institution's base's pool, or its list of bases when it has several."""
    base = selectors.own_base(request.user)
    return redirect("bases:faculty", pk=base.pk) if base else redirect("bases:mine")


@allowed(Base, "view", load="pk", queryset=BASES)
def pool(request, base):
    return render(
        request,
        "bases/faculty.html",
        {
            "base": base,
            "teachers": selectors.faculty_pool(request.user, base),
            "changes": selectors.faculty_changes(base),
            "end_form": EndTeacherForm(initial={"active_to": timezone.localdate()}),
        },
    )


@allowed(Base, "keep_faculty", load="pk", queryset=BASES)
def teacher_new(request, base):
    form = TeacherForm(request.POST or None, initial={"active_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            teacher = services.add_teacher(actor=request.user, base_id=base.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            _refuse(request, error, form)
        else:
            messages.success(request, f"已将{teacher.name}加入师资队伍库。")
            return redirect("bases:faculty", pk=base.pk)
    return render(request, "bases/teacher_form.html", {"base": base, "form": form, "teacher": None})


@allowed(Teacher, "view", load="pk", queryset=TEACHERS)
def teacher(request, teacher):
    """A teacher's facts and history; the base edits them here."""
    editable = access.can(request.user, "edit", teacher)
    if request.method == "POST" and not access.may_ever(request.user, Teacher, "edit"):
        raise Http404
    form = TeacherForm(request.POST or None, initial=TeacherForm.initial_for(teacher)) if editable else None
    if request.method == "POST" and form is None:
        show_refusal(request, access.refusal(request.user, "edit", teacher))
        return redirect("bases:teacher", pk=teacher.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_teacher(actor=request.user, teacher_id=teacher.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            _refuse(request, error, form)
        else:
            messages.success(request, "已保存，修改记录见下方。")
            return redirect("bases:teacher", pk=teacher.pk)
    return render(
        request,
        "bases/teacher_form.html",
        {
            "base": teacher.base,
            "teacher": teacher,
            "form": form,
            "history": selectors.teacher_history(teacher),
            "end_form": EndTeacherForm(initial={"active_to": timezone.localdate()}),
        },
    )


@allowed(Teacher, "end", load="pk", queryset=TEACHERS)
@require_POST
def teacher_end(request, teacher):
    form = EndTeacherForm(request.POST)
    if form.is_valid():
        try:
            services.end_teacher(actor=request.user, teacher_id=teacher.pk, **form.cleaned_data)
        except RuleViolation as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"{teacher.name}已退出师资队伍库，原记录保留备查。")
    else:
        messages.error(request, "退出日期：" + " ".join(form.errors["active_to"]))
    return redirect("bases:faculty", pk=teacher.base_id)


@allowed(Base, "keep_faculty", load="pk", queryset=BASES)
def faculty_template(request, base):
    response = HttpResponse(faculty_sheet.template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "师资队伍库导入模板.xlsx")
    return response


@allowed(Base, "keep_faculty", load="pk", queryset=BASES)
def faculty_import(request, base):
    form = FacultyImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST" and uploads.form_is_valid(request, form):
        try:
            report = services.import_faculty(actor=request.user, base_id=base.pk, upload=form.cleaned_data["file"])
        except (RuleViolation, ValidationError) as error:
            _refuse(request, error, form)
        else:
            if report.applied:
                text = f"导入完成：新增{report.created}名，更新{report.updated}名，{report.unchanged}名无变化。"
                if report.warnings:
                    text += f"其中{len(report.warnings)}名学历低于大学本科，已在名单中标记。"
                messages.success(request, text)
                return redirect("bases:faculty", pk=base.pk)
    if request.method == "POST":
        status = 400
    return render(request, "bases/faculty_import.html", {"base": base, "form": form, "report": report}, status=status)


def _refuse(request, error, form):
    if isinstance(error, ValidationError):
        field = "file" if "file" in form.fields else None
        form.add_error(field, error)
    else:
        show_refusal(request, error, form)
