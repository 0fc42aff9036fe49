"""Importing a base's training sheet (issue 17, point 2): classes and trainees from an Excel or CSV file.

`start_import` checks and stores the file and records the import; a small file is read at once, a large one by a
Celery worker (`training.tasks.run_import`), whose progress the import's page shows. `run_import` reads every
row (training.sheet), then applies the file all or nothing, or — when the user chose so — the valid rows, with
the others returned as a file to fix. Re-importing changes nothing: a class is found again by its 班级编号 within
the base, a trainee by the class and the fingerprint of the ID number; only what differs is written.
"""

import io
import logging

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from bases.models import Base
from core import access, notifications, pii, sheets, uploads
from core.errors import RuleViolation

from .. import sheet as training_sheet
from ..models import ImportMode, ImportPhase, Participant, TrainingClass, TrainingImport
from . import hours_text, touch_class

logger = logging.getLogger(__name__)

CLASS_VALUES = ("title", "service_form", "field", "starts_on", "ends_on", "hours", "mode", "venue", "is_public_benefit")
PARTICIPANT_VALUES = (
    "name",
    "employer",
    "region_id",
    "from_priority_area",
    "hours_attended",
    "result",
    "assessed_on",
)


@transaction.atomic
def start_import(*, actor: User, base_id, upload, mode: str) -> TrainingImport:
    """The base uploads a filled training sheet (Art. 18); a large file is read in the background."""
    base = access.get_visible_or_404(actor, Base.objects.all(), pk=base_id)
    access.require(actor, "keep_training", base)
    if mode not in ImportMode.values:
        raise RuleViolation("请选择导入方式。", field="mode")
    try:
        checked = uploads.check_sheet(upload)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field="file") from None
    job = TrainingImport(base=base, user=actor, file_name=checked.original_name, mode=mode)
    job.file.save(f"sheet.{checked.kind}", checked.file, save=False)
    job.save()
    if checked.size <= settings.TRAINING_IMPORT_INLINE_BYTES:
        run_import(import_id=job.pk)
        job.refresh_from_db()
    else:
        # by the task's name: the task module calls this one
        transaction.on_commit(lambda: current_app.tasks["training.tasks.run_import"].delay(job.pk))
    return job


def run_import(*, import_id: int) -> TrainingImport:
    """Read and apply one uploaded sheet; idempotent (an import already finished is left as it is)."""
    with transaction.atomic():
        job = TrainingImport.objects.select_for_update().select_related("base", "user").get(pk=import_id)
        if job.finished or job.phase == ImportPhase.RUNNING and job.processed_rows:
            return job
        TrainingImport.objects.filter(pk=job.pk).update(phase=ImportPhase.RUNNING)
    try:
        with job.file.open("rb") as stored:
            data = io.BytesIO(stored.read())
        kind = "csv" if job.file.name.endswith(".csv") else "xlsx"
        TrainingImport.objects.filter(pk=job.pk).update(total_rows=sheets.row_estimate(data, kind=kind))
        sheet = training_sheet.read(
            data,
            kind=kind,
            on_progress=lambda done: TrainingImport.objects.filter(pk=job.pk).update(processed_rows=done),
        )
        total = len(sheet.rows) + len(sheet.rejected)
        TrainingImport.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=total)
        _check_against_stored(job.base, sheet)
        _apply(job, sheet, total)
    except Exception:  # noqa: BLE001 - whatever went wrong, nothing was written and the uploader is told
        logger.exception("training import %s failed", job.pk)
        TrainingImport.objects.filter(pk=job.pk).update(phase=ImportPhase.FAILED, finished_at=timezone.now())
    job.refresh_from_db()
    _tell(job)
    return job


def _check_against_stored(base: Base, sheet: sheets.Sheet) -> None:
    """A class already stored cannot get fewer hours than one of its trainees attended: all its rows go back."""
    for problem in hours_below_attended(base, sheet.rows):
        row = next(r for r in sheet.rows if r["row"] == problem.row)
        sheets.reject(sheet, problem.row, problem)
        sheet.rejected.append({"row": problem.row, "cells": training_sheet.cells_of(row)})
    sheet.errors.sort(key=lambda p: p.row)
    sheet.rejected.sort(key=lambda r: r["row"])


def hours_below_attended(base: Base, rows: list[dict]) -> list[sheets.Problem]:
    """A problem for each row (its "row", "record_id" and "hours") that would give a stored class fewer hours than
    one of its trainees attended (the import's and the API's rule); one query."""
    most = dict(
        TrainingClass.objects.filter(base=base, record_id__in={row["record_id"] for row in rows})
        .annotate(most=Max("participants__hours_attended"))
        .filter(most__isnull=False)
        .values_list("record_id", "most")
    )
    return [
        sheets.Problem(
            row["row"], "班级总学时", f"该培训班已登记学员的参训学时为{hours_text(stored)}，班级总学时不能少于此数。"
        )
        for row in rows
        if (stored := most.get(row["record_id"])) is not None and stored > row["hours"]
    ]


def _apply(job: TrainingImport, sheet: sheets.Sheet, total: int) -> None:
    if not sheet.rows and not sheet.errors:
        sheet.errors.append(sheets.Problem(2, "", "表中没有学员，请从第二行起每行填写一名学员。"))
    refuse = any(p.row == 1 for p in sheet.errors) or not sheet.rows
    if sheet.errors and job.mode == ImportMode.ALL_OR_NOTHING:
        refuse = True
    problems = [p.as_dict() for p in sheet.errors]
    if refuse:
        TrainingImport.objects.filter(pk=job.pk).update(
            phase=ImportPhase.REFUSED,
            problems=problems,
            rejected_rows=len(sheet.rejected),
            processed_rows=total,
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        base = Base.objects.select_for_update().get(pk=job.base_id)
        counts = _write(job, base, sheet.rows)
        rejected = b""
        if sheet.rejected:
            rejected = sheets.returned_rows(
                columns=training_sheet.COLUMNS,
                title=training_sheet.SHEET_TITLE,
                rows=sheet.rejected,
                problems=sheet.errors,
            )
        job = TrainingImport.objects.select_for_update().get(pk=job.pk)
        if rejected:
            job.rejected_file.save("returned.xlsx", ContentFile(rejected), save=False)
        job.phase = ImportPhase.DONE
        job.problems = problems
        job.rejected_rows = len(sheet.rejected)
        job.processed_rows = total
        job.finished_at = timezone.now()
        for name, value in counts.items():
            setattr(job, name, value)
        job.save()


def _write(job: TrainingImport, base: Base, rows: list[dict]) -> dict:
    """Create or update the classes and trainees of the valid rows; only what differs is written."""
    counts = dict.fromkeys(
        ("classes_created", "classes_updated", "participants_created", "participants_updated", "unchanged_rows"), 0
    )
    by_class: dict[str, list[dict]] = {}
    for row in rows:
        by_class.setdefault(row["record_id"], []).append(row)
    existing = {
        c.record_id: c
        for c in TrainingClass.objects.select_for_update().filter(base=base, record_id__in=list(by_class))
    }
    for record_id, class_rows in by_class.items():
        facts = {k: class_rows[0][k] for k in CLASS_VALUES}
        if facts["mode"] == "online":
            facts["venue"] = ""
        training_class = existing.get(record_id)
        if training_class is None:
            training_class = TrainingClass(base=base, record_id=record_id, **facts)
            training_class._change_reason = f"导入：{job.file_name}"
            training_class.save()
            counts["classes_created"] += 1
            current = {}
        else:
            changed = {k: v for k, v in facts.items() if getattr(training_class, k) != v}
            current = {p.id_fingerprint: p for p in training_class.participants.all()}
            if changed:
                for k, v in changed.items():
                    setattr(training_class, k, v)
                training_class._change_reason = f"导入：{job.file_name}"
                training_class.save()
                counts["classes_updated"] += 1
        new, updated = [], []
        for row in class_rows:
            values = {k: row[k] for k in PARTICIPANT_VALUES}
            values["result"] = values["result"] or Participant._meta.get_field("result").default
            values["from_priority_area"] = bool(values["from_priority_area"])
            found = current.get(pii.fingerprint(row["id_number"]))
            if found is None:
                participant = Participant(training_class=training_class, **values)
                participant.id_number_sealed = pii.seal(row["id_number"])
                participant.id_fingerprint = pii.fingerprint(row["id_number"])
                participant.id_masked = pii.mask(row["id_number"])
                new.append(participant)
            else:
                changed = {k: v for k, v in values.items() if getattr(found, k) != v}
                if changed:
                    for k, v in changed.items():
                        setattr(found, k, v)
                    updated.append(found)
                else:
                    counts["unchanged_rows"] += 1
        reason = f"导入：{job.file_name}"
        if new:
            bulk_create_with_history(
                new, Participant, batch_size=1000, default_user=job.user, default_change_reason=reason
            )
        if updated:
            bulk_update_with_history(
                updated,
                Participant,
                list(PARTICIPANT_VALUES),
                batch_size=1000,
                default_user=job.user,
                default_change_reason=reason,
            )
        if new or updated:
            touch_class(training_class.pk)
        counts["participants_created"] += len(new)
        counts["participants_updated"] += len(updated)
    return counts


def _tell(job: TrainingImport) -> None:
    """The uploader's inbox says how the import ended."""
    title = {
        ImportPhase.DONE: "培训记录导入完成",
        ImportPhase.REFUSED: "培训记录未导入",
    }.get(job.phase, "培训记录导入出错")
    title = f"{title}：{job.file_name}"
    body = job.summary
    notifications.notify(
        [job.user], title=title, body=body, url=reverse("training:import_detail", args=[job.pk]), dedupe_key=None
    )
