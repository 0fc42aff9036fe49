"""Formal decisions (SPEC 2.10, Art. 34): the portal numbers them, renders them and keeps them as issued.

`issue(...)` takes the next 文号 of the series and year under a row lock (so two officials deciding at
once get two numbers, and a number is never given twice), renders the PDF with the embedded Chinese
face, stores it with its SHA-256 and returns the `Decision`. Domain services call it inside their own
transaction: if the decision is refused afterwards, the number is not consumed either.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from . import pdf
from .errors import RuleViolation
from .models import Decision, DecisionKind, DecisionSequence


@dataclass(frozen=True)
class Measures:
    """The version of the measures decisions are taken under, and its validity (Art. 34: six years)."""

    title: str
    number: str
    valid_from: date
    valid_until: date

    @property
    def version(self) -> str:
        return f"《{self.title}》（{self.number}）"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


MEASURES = Measures(
    title="福建省省级专业技术人员继续教育基地管理办法",
    number="闽人社发〔2024〕5号",
    valid_from=date(2024, 9, 30),
    valid_until=date(2030, 9, 29),
)


def validity_warning(day: date) -> str:
    """What the province is told when something it decides reaches past the measures' validity (Art. 34)."""
    if MEASURES.covers(day):
        return ""
    return (
        f"注意：{day:%Y年%-m月%-d日}已超出{MEASURES.version}的有效期"
        f"（{MEASURES.valid_from:%Y年%-m月%-d日}至{MEASURES.valid_until:%Y年%-m月%-d日}，第三十四条）。"
    )


def remedies() -> str:
    """The remedies every adverse decision states (行政复议法 Art. 20, 行政诉讼法 Art. 46)."""
    return (
        f"如不服本决定，可在收到本决定书之日起{settings.REVIEW_DAYS}日内向{settings.REVIEW_AUTHORITY}申请行政复议，"
        f"或者在{settings.LITIGATION_MONTHS}个月内依法向人民法院提起行政诉讼。"
    )


# Published of the province's own accord (主动公开): the recognition and the recognised list (Art. 9), an
# adjustment of a base (Art. 4) and a year's task allocation (Art. 13, 22). The others concern one party's
# case and are disclosed on request (GB/T 9704 附注).
PUBLISHED_KINDS = frozenset(
    {DecisionKind.RECOGNITION, DecisionKind.RECOGNITION_LIST, DecisionKind.ADJUSTMENT, DecisionKind.ALLOCATION}
)


def disclosure(kind: str) -> str:
    return "（此件主动公开）" if kind in PUBLISHED_KINDS else "（此件依申请公开）"


def next_number(series: str, year: int) -> int:
    """The next sequence of the series and year; the caller's transaction holds the row until it ends."""
    DecisionSequence.objects.get_or_create(series=series, year=year)
    sequence = DecisionSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_number(series: str, year: int, sequence: int) -> str:
    return f"{series}〔{year}〕{sequence}号"


def issue(
    *,
    kind: str,
    subject,
    actor,
    title: str,
    addressee: str,
    facts: str,
    basis: str,
    body: str,
    effective_on: date | None = None,
    adverse: bool = False,
    carbon_copy: str = "",
    retroactive: bool = False,
) -> Decision:
    """Number, render and keep a decision of the province about `subject`.

    A decision is taken today and takes effect today or later. Only a decision that grants something
    (`retroactive`, never an `adverse` one) may state an earlier effective date: a recognition takes
    effect on the recognition date the province fixed, which may precede the day it is issued, but
    never a day before the measures were in force (Art. 34).
    """
    if retroactive and adverse:
        raise ValueError("an adverse decision never takes effect before it is taken")
    decided_on = timezone.localdate()
    effective_on = effective_on or decided_on
    if effective_on < decided_on and not retroactive:
        raise RuleViolation(
            f"生效日期不能早于决定日期（{decided_on:%Y年%-m月%-d日}）。", field="effective_on", article="第二十四条"
        )
    if retroactive and effective_on < MEASURES.valid_from:
        raise RuleViolation(
            f"生效日期不能早于{MEASURES.version}施行之日（{MEASURES.valid_from:%Y年%-m月%-d日}）。",
            field="effective_on",
            article="第三十四条",
        )
    series = settings.DECISION_SERIES
    sequence = next_number(series, decided_on.year)
    decision = Decision(
        kind=kind,
        series=series,
        year=decided_on.year,
        sequence=sequence,
        number=format_number(series, decided_on.year, sequence),
        title=title,
        addressee=addressee,
        facts=facts.strip(),
        basis=basis,
        body=body.strip(),
        adverse=adverse,
        decided_on=decided_on,
        effective_on=effective_on,
        measures_version=MEASURES.version,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        issued_by=actor,
    )
    document = pdf.decision(decision, carbon_copy=carbon_copy, remedies=remedies(), disclosure=disclosure(kind))
    decision.pdf_sha256 = hashlib.sha256(document).hexdigest()
    decision.pdf.save(f"{decision.year}-{decision.sequence:04d}.pdf", ContentFile(document), save=False)
    decision.save()
    return decision


def of(subject) -> list[Decision]:
    """The decisions about a record, newest first."""
    return list(Decision.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk))
