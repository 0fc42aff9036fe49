"""Pushing classes and participants through the API (issue 17, point 3; Art. 18): a batch of items from a base's
own system, each checked with the training sheet's rules (training.sheet) and written idempotently — a class is
found again by the base's 班级编号 (record_id), a participant by its class and the fingerprint of its ID number, or
by the caller's record id for it. Every item gets its own answer (created, updated, unchanged or rejected with
its problems); the valid items are written, the others are not, and an item equal to what is stored writes
nothing. Participants are written in bulk, their history too (simple_history's bulk helpers), as the import does.
"""

from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Region, User
from bases.models import Base, ServiceForm
from core import pii, sheets
from core.errors import RuleViolation
from core.sheets import Problem

from .. import sheet as training_sheet
from ..models import Mode, Participant, Result, TrainingClass
from . import touch_class
from .imports import CLASS_VALUES, PARTICIPANT_VALUES, hours_below_attended

MAX_CLASSES = 500
MAX_PARTICIPANTS = 2000

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


def _codes_or_labels(choices, *, hint: str):
    """A parser taking a choice's code (as an API sends it) or its Chinese label (as the sheet has it)."""
    return sheets.choice({label: value for value, label in choices.choices} | {v: v for v in choices.values}, hint=hint)


def _yes_no(value):
    """A JSON true/false, or 是/否 as the sheet has it."""
    if isinstance(value, bool):
        return value
    return sheets.choice(sheets.YES_NO, hint="请填写true或false。")(value)


_API_PARSERS = {
    "service_form": _codes_or_labels(
        ServiceForm, hint="请填写第十三条规定的服务形式代码：" + "、".join(ServiceForm.values) + "。"
    ),
    "mode": _codes_or_labels(Mode, hint="请填写offline（线下）、online（线上）或blended（线上线下结合）。"),
    "result": _codes_or_labels(Result, hint="请填写passed（合格）、failed（不合格）或not_assessed（未考核）。"),
    "is_public_benefit": _yes_no,
    "from_priority_area": _yes_no,
}
# The API's names for the sheet's keys where they differ: a city is sent by its name.
FIELD_NAMES = {"region_id": "city"}
CLASS_COLUMNS = tuple(replace(c, parse=_API_PARSERS.get(c.key, c.parse)) for c in training_sheet.CLASS_COLUMNS)
PARTICIPANT_COLUMNS = (
    *(replace(c, parse=_API_PARSERS.get(c.key, c.parse)) for c in training_sheet.PARTICIPANT_COLUMNS),
    sheets.Column("记录号", "record_id", max_length=64),
)
_FIELDS_BY_HEADER = {c.header: FIELD_NAMES.get(c.key, c.key) for c in (*CLASS_COLUMNS, *PARTICIPANT_COLUMNS)}


@dataclass
class Outcome:
    """The answer for one item of a batch."""

    record_id: str
    verdict: str = UNCHANGED  # the API answers it as the item's "status"
    errors: list[dict] = field(default_factory=list)  # [{"field", "label", "reason"}]
    id_masked: str = ""

    def reject(self, problems: list[Problem]) -> None:
        self.verdict = REJECTED
        self.errors += [
            {"field": _FIELDS_BY_HEADER.get(p.column, ""), "label": p.column, "reason": p.reason} for p in problems
        ]


def _read(index: int, item: dict, columns) -> tuple[dict, list[Problem]]:
    cells = {c.header: item.get(FIELD_NAMES.get(c.key, c.key)) for c in columns}
    return sheets.read_row(index, cells, columns)


def _text(value) -> str:
    return sheets.text(value) if isinstance(value, str | int | float) else ""


def _writable_base(base_id: int) -> Base:
    """The base, locked for the batch; a base that no longer holds its recognition takes no pushes."""
    base = Base.objects.select_for_update().get(pk=base_id)
    if not base.is_live:
        raise RuleViolation(f"基地当前状态为「{base.get_status_display()}」，不能再报送培训记录。")
    return base


@transaction.atomic
def push_classes(*, base_id: int, items: list[dict], actor: User, source: str) -> list[Outcome]:
    """A base's system pushes a batch of classes (Art. 13, 18), each created or updated by its 班级编号."""
    if len(items) > MAX_CLASSES:
        raise RuleViolation(f"一次最多报送{MAX_CLASSES}个培训班，请分批报送。", field="items")
    base = _writable_base(base_id)
    outcomes, rows, first_of = [], [], {}
    for index, item in enumerate(items):
        outcome = Outcome(record_id=_text(item.get("record_id")))
        outcomes.append(outcome)
        row, problems = _read(index, item, CLASS_COLUMNS)
        problems = problems or training_sheet.class_problems(row)
        if not problems and row["record_id"] in first_of:
            problems = [Problem(index, "班级编号", f"与本批第{first_of[row['record_id']] + 1}项的班级编号重复。")]
        if problems:
            outcome.reject(problems)
            continue
        first_of[row["record_id"]] = index
        rows.append(row)
    for problem in hours_below_attended(base, rows):
        outcomes[problem.row].reject([problem])
    rows = [row for row in rows if outcomes[row["row"]].verdict != REJECTED]
    existing = {
        c.record_id: c
        for c in TrainingClass.objects.select_for_update().filter(
            base=base, record_id__in=[r["record_id"] for r in rows]
        )
    }
    for row in rows:
        facts = {k: row[k] for k in CLASS_VALUES}
        if facts["mode"] == Mode.ONLINE:
            facts["venue"] = ""
        training_class = existing.get(row["record_id"])
        if training_class is None:
            training_class = TrainingClass(base=base, record_id=row["record_id"], **facts)
            outcomes[row["row"]].verdict = CREATED
        else:
            changed = {k: v for k, v in facts.items() if getattr(training_class, k) != v}
            if not changed:
                continue
            for name, value in changed.items():
                setattr(training_class, name, value)
            outcomes[row["row"]].verdict = UPDATED
        training_class._change_reason = source
        training_class._history_user = actor
        training_class.save()
    return outcomes


@transaction.atomic
def push_participants(*, base_id: int, record_id: str, items: list[dict], actor: User, source: str) -> list[Outcome]:
    """A base's system pushes a batch of a class's trainees and their results (Art. 18), each created or updated by
    its ID number (or the caller's record id); the ID numbers are checked (GB 11643) and stored sealed only."""
    if len(items) > MAX_PARTICIPANTS:
        raise RuleViolation(f"一次最多报送{MAX_PARTICIPANTS}名学员，请分批报送。", field="items")
    base = _writable_base(base_id)
    training_class = get_object_or_404(TrainingClass.objects.select_for_update(), base=base, record_id=record_id)
    facts = {"hours": training_class.hours, "starts_on": training_class.starts_on, "ends_on": training_class.ends_on}
    regions = dict(Region.objects.values_list("name", "pk"))
    columns = tuple(
        replace(c, parse=training_sheet.region_parser(regions)) if c.key == "region_id" else c
        for c in PARTICIPANT_COLUMNS
    )
    outcomes, rows, seen_number, seen_record = [], [], {}, {}
    for index, item in enumerate(items):
        outcome = Outcome(record_id=_text(item.get("record_id")))
        outcomes.append(outcome)
        row, problems = _read(index, item, columns)
        problems = problems or training_sheet.participant_problems(row | facts)
        if not problems:
            row["fingerprint"] = pii.fingerprint(row["id_number"])
            outcome.id_masked = pii.mask(row["id_number"])
            if (earlier := seen_number.get(row["fingerprint"])) is not None:
                problems = [
                    Problem(index, "身份证号码", f"与本批第{earlier + 1}项重复：同一学员在一个培训班只能报送一次。")
                ]
            elif row["record_id"] and (earlier := seen_record.get(row["record_id"])) is not None:
                problems = [Problem(index, "记录号", f"与本批第{earlier + 1}项的记录号重复。")]
        if problems:
            outcome.reject(problems)
            continue
        seen_number[row["fingerprint"]] = index
        if row["record_id"]:
            seen_record[row["record_id"]] = index
        rows.append(row)
    stored = list(
        training_class.participants.filter(Q(id_fingerprint__in=list(seen_number)) | Q(record_id__in=list(seen_record)))
    )
    by_number = {p.id_fingerprint: p for p in stored}
    by_record = {p.record_id: p for p in stored if p.record_id}
    new, updated, fields = [], [], set()
    for row in rows:
        outcome = outcomes[row["row"]]
        found, problem = _match(row, by_number, by_record)
        if problem:
            outcome.reject([problem])
            continue
        values = {k: row[k] for k in PARTICIPANT_VALUES}
        values["result"] = values["result"] or Result.NOT_ASSESSED
        values["from_priority_area"] = bool(values["from_priority_area"])
        if row["record_id"]:
            values["record_id"] = row["record_id"]
        if found is None:
            participant = Participant(training_class=training_class, **values)
            _set_number(participant, row)
            new.append(participant)
            outcome.verdict = CREATED
            continue
        changed = [name for name, value in values.items() if getattr(found, name) != value]
        for name in changed:
            setattr(found, name, values[name])
        if found.id_fingerprint != row["fingerprint"]:  # the caller corrects a number under its record id
            _set_number(found, row)
            changed += ["id_number_sealed", "id_fingerprint", "id_masked"]
        if changed:
            fields.update(changed)
            updated.append(found)
            outcome.verdict = UPDATED
    if new or updated:
        touch_class(training_class.pk)
    if new:
        bulk_create_with_history(new, Participant, batch_size=1000, default_user=actor, default_change_reason=source)
    if updated:
        bulk_update_with_history(
            updated, Participant, sorted(fields), batch_size=1000, default_user=actor, default_change_reason=source
        )
    return outcomes


def _match(row: dict, by_number: dict, by_record: dict) -> tuple[Participant | None, Problem | None]:
    """The stored participant this item names (by the caller's record id first, then by the ID number), or why the
    two disagree."""
    index, same_number = row["row"], by_number.get(row["fingerprint"])
    if row["record_id"] and (same_record := by_record.get(row["record_id"])) is not None:
        if same_number is not None and same_number.pk != same_record.pk:
            reason = "该身份证号码已登记为本班另一名学员" + (
                f"（记录号{same_number.record_id}）。" if same_number.record_id else "。"
            )
            return None, Problem(index, "身份证号码", reason)
        return same_record, None
    if same_number is not None and row["record_id"] and same_number.record_id:
        return None, Problem(index, "记录号", f"该学员在本班已登记，记录号为{same_number.record_id}。")
    return same_number, None


def _set_number(participant: Participant, row: dict) -> None:
    participant.id_number_sealed = pii.seal(row["id_number"])
    participant.id_fingerprint = row["fingerprint"]
    participant.id_masked = pii.mask(row["id_number"])
