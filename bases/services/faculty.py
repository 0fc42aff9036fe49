"""The faculty pool (师资队伍库, Art. 16, 7(3)): seeded at recognition, kept by the base, imported from the template."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import PersonKind
from core import access, uploads
from core.errors import RuleViolation

from .. import faculty_sheet
from ..models import Base, Teacher

TEACHER_FIELDS = ("name", "degree", "title", "fields", "full_time", "employer", "courses")


def seed_faculty(*, base: Base) -> list[Teacher]:
    """Put the recognised application's key faculty (骨干师资) into the new base's pool (Art. 16).

    Only the faculty: the full-time managers the application lists (Art. 7(3) 专职管理人员) run the base and
    are not its teachers. A full-time teacher works for the institution; a part-time one's employer was not
    asked for in the application and is left for the base to fill in.
    """
    people = base.application.people.filter(kind=PersonKind.FACULTY).order_by("id")
    teachers = [
        Teacher(
            base=base,
            name=p.name,
            degree=p.degree,
            title=p.title,
            fields=p.specialty,
            full_time=p.full_time,
            employer=base.institution.name if p.full_time else "",
            active_from=base.recognised_on,
        )
        for p in people
    ]
    for teacher in teachers:  # one by one, so each gets its history row
        teacher._change_reason = "由认定申报的骨干师资导入"
        teacher.save()
    return teachers


def _clean(teacher: Teacher) -> None:
    if teacher.active_from and teacher.active_from > timezone.localdate():
        raise RuleViolation("入库日期不能晚于今天。", field="active_from")
    teacher.full_clean(exclude=["base"])


@transaction.atomic
def add_teacher(*, actor: User, base_id, active_from: date | None = None, **values) -> Teacher:
    """The base adds a teacher to its pool (Art. 16)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "keep_faculty", base)
    teacher = Teacher(base=base, active_from=active_from or timezone.localdate(), **_values(values))
    _clean(teacher)
    teacher._change_reason = "新增"
    teacher.save()
    return teacher


@transaction.atomic
def edit_teacher(*, actor: User, teacher_id, active_from: date | None = None, **values) -> Teacher:
    """The base corrects a teacher's facts; the change is kept in the teacher's history (Art. 16)."""
    teacher = access.get_visible_or_404(
        actor, Teacher.objects.select_for_update().select_related("base"), pk=teacher_id
    )
    access.require(actor, "edit", teacher)
    for name, value in _values(values).items():
        setattr(teacher, name, value)
    teacher.active_from = active_from or teacher.active_from
    if teacher.active_to and teacher.active_to < teacher.active_from:
        raise RuleViolation("入库日期不能晚于退出日期。", field="active_from")
    _clean(teacher)
    teacher._change_reason = "修改"
    teacher.save()
    return teacher


@transaction.atomic
def end_teacher(*, actor: User, teacher_id, active_to: date) -> Teacher:
    """A teacher leaves the pool on a date; the row stays, so inspections see who taught when (Art. 16, 20)."""
    teacher = access.get_visible_or_404(
        actor, Teacher.objects.select_for_update().select_related("base"), pk=teacher_id
    )
    access.require(actor, "end", teacher)
    if active_to > timezone.localdate():
        raise RuleViolation("退出日期不能晚于今天。", field="active_to")
    if active_to < teacher.active_from:
        raise RuleViolation(f"退出日期不能早于入库日期（{teacher.active_from:%Y年%-m月%-d日}）。", field="active_to")
    teacher.active_to = active_to
    teacher._change_reason = "退出"
    teacher.save()
    return teacher


def _values(values: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in TEACHER_FIELDS}


@dataclass
class ImportReport:
    """What an import found and did: problems by row and column; nothing is written when there are errors."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def applied(self) -> bool:
        return not self.errors


@transaction.atomic
def import_faculty(*, actor: User, base_id, upload) -> ImportReport:
    """Import the pool from the filled template (Art. 16), all or nothing.

    A row matches a teacher still in the pool with the same 姓名 and 工作单位: that teacher is updated (and
    left alone when nothing differs, so importing the same file again changes nothing); any other row adds a
    teacher. Teachers missing from the file stay in the pool: leaving is a decision taken on the page.
    """
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "keep_faculty", base)
    checked = uploads.check(upload)
    if checked.kind != "xlsx":
        raise RuleViolation("请上传用本页模板填写的Excel（.xlsx）文件。", field="file")
    sheet = faculty_sheet.read(checked.file)
    report = ImportReport(errors=sheet.errors, warnings=sheet.warnings)
    if report.errors:
        return report
    if not sheet.rows:
        report.errors.append(faculty_sheet.Problem(2, "", "表中没有教师，请从第二行起每行填写一名教师。"))
        return report
    current = {(t.name, t.employer): t for t in base.teachers.current().select_for_update()}
    today = timezone.localdate()
    for row in sheet.rows:
        values = {k: row[k] for k in TEACHER_FIELDS}
        teacher = current.get((row["name"], row["employer"]))
        if teacher is None:
            teacher = Teacher(base=base, active_from=row["active_from"] or today, **values)
            teacher._change_reason = "Excel导入新增"
            report.created += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(teacher, k) != v}
            if row["active_from"] and row["active_from"] != teacher.active_from:
                changed["active_from"] = row["active_from"]
            if not changed:
                report.unchanged += 1
                continue
            for k, v in changed.items():
                setattr(teacher, k, v)
            teacher._change_reason = "Excel导入更新"
            report.updated += 1
        teacher.save()
    return report
