"""The learning record of Art. 28 and the files that carry full ID numbers (PIPL, issue 17 point 4): every
look-up that shows a number and every such export is logged with who, when, why and, for a file, how many
numbers it holds."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from bases.models import Base
from core import access, pii
from core.errors import RuleViolation

from .. import selectors
from ..models import IdNumberExport, Participant, PiiDisclosure, TrainingImport

LEARNING_RECORDS = "view_learning_records"


@dataclass
class LearningRecord:
    """A trainee's classes at every base, oldest first, and their hours per year."""

    id_number: str
    rows: list[Participant] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return sorted({row.name for row in self.rows})


def _checked(id_number: str, reason: str) -> tuple[str, str]:
    number = pii.normalise(id_number)
    if (error := pii.id_number_error(number)) is not None:
        raise RuleViolation(error, field="id_number")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("请填写查询理由。", field="reason")
    return number, reason[:500]


def _record(number: str) -> LearningRecord:
    return LearningRecord(
        id_number=number,
        rows=list(selectors.learning_record(id_number=number)),
        years=selectors.learning_record_years(id_number=number),
    )


@transaction.atomic
def look_up_learning_record(*, actor: User, id_number: str, reason: str) -> LearningRecord:
    """The province finds a trainee's learning record by ID number (Art. 28). The page shows the full number
    beside each class, so each class found is a reveal logged with who, when and why; a look-up that finds
    nothing is logged too (it still tells the searcher something about the person)."""
    access.require_capability(actor, LEARNING_RECORDS)
    number, reason = _checked(id_number, reason)
    record = _record(number)
    _log_look_up(actor=actor, reason=reason, id_number=number, rows=record.rows)
    return record


def _log_look_up(*, actor: User, reason: str, id_number: str, rows: list[Participant]) -> None:
    """A row per class found, or one saying nothing was found (the look-up still tells something)."""
    PiiDisclosure.objects.bulk_create(
        [
            PiiDisclosure(
                participant=row, participant_name=row.name, id_masked=row.id_masked, user=actor, reason=reason
            )
            for row in rows
        ]
        or [
            PiiDisclosure(
                participant=None,
                participant_name="（无培训记录）",
                id_masked=pii.mask(id_number),
                user=actor,
                reason=reason,
            )
        ]
    )


@transaction.atomic
def log_platform_look_up(*, actor: User, source: str, id_number: str, rows: list[Participant]) -> None:
    """The platform's read token asked for a trainee's learning record (Art. 28): the answer tells who trained
    where, so each class found is logged against the token's creator and the token, like a look-up on the
    page; a look-up that finds nothing is logged too."""
    reason = f"福建省继续教育公共服务平台查询学习档案（{source}）"[:500]
    _log_look_up(actor=actor, reason=reason, id_number=id_number, rows=rows)


@transaction.atomic
def export_learning_record(*, actor: User, id_number: str, reason: str) -> LearningRecord:
    """The province takes a trainee's learning record out as a file (Art. 28): one full number, logged."""
    access.require_capability(actor, LEARNING_RECORDS)
    number, reason = _checked(id_number, reason)
    record = _record(number)
    IdNumberExport.objects.create(user=actor, what=f"学习档案 {pii.mask(number)}", reason=reason, id_count=1)
    return record


@transaction.atomic
def export_learning_hours(
    *, actor: User, year: int, base: Base | None = None, full_numbers: bool = False, reason: str = ""
) -> QuerySet:
    """The province exports every trainee's hours of a year (for the 继续教育证书, Art. 28). With full numbers
    the export is logged with its reason and how many numbers it holds; masked numbers reveal nothing."""
    access.require_capability(actor, LEARNING_RECORDS)
    rows = selectors.learning_hours(year=year, base=base, full_numbers=full_numbers)
    if full_numbers:
        reason = (reason or "").strip()
        if not reason:
            raise RuleViolation("导出完整身份证号码时请填写理由。", field="reason")
        what = f"{year}年度学员学时汇总" + (f"（{base.name}）" if base else "（全部基地）")
        IdNumberExport.objects.create(user=actor, what=what[:200], reason=reason[:500], id_count=rows.count())
    return rows


@transaction.atomic
def log_returned_rows(*, actor: User, job: TrainingImport) -> None:
    """The rows an import returned to fix carry the numbers the base typed: their download is logged (PIPL)."""
    access.require(actor, "view", job)
    IdNumberExport.objects.create(
        user=actor,
        what=f"导入退回修改的行：{job.file_name}"[:200],
        reason="下载导入时退回的行，修改后重新导入",
        id_count=job.rejected_rows,
    )
