"""真实性核查 (Art. 20): an annual report's declared figures beside those the base's own training records give.

The records live in `training`, a layer above this one, so this module offers a hook: training registers the
function that counts a year's records (`records_source`), and the filing pages, the filing queue and the
inspection page ask `recorded` for the figures of the (base, year) pairs they show, in a fixed number of
queries whatever their number.

What is compared, with the tolerance the province sets (`FilingCheckPolicy`, in per cent):
- the professionals trained in the year (distinct people, Art. 7(5), 19) and, per service form of Art. 13,
  the classes held and the people trained: beyond the tolerance when the declared figure differs from the
  recorded one by more than that share of the recorded one (any declared figure where nothing is recorded);
- the share of trainees from the areas of Art. 14: beyond when the two shares differ by more than that many
  percentage points.
A figure the report leaves empty is not compared.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import prefetch_related_objects

from .models import AnnualFiling, FilingCheckPolicy, FilingPart, ServiceForm


@dataclass(frozen=True)
class Recorded:
    """What a base's training records give for one year."""

    trained_total: int = 0
    priority_area_trainees: int = 0
    # service form -> (classes, people trained)
    by_form: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.by_form


NOTHING = Recorded()
Source = Callable[[set[tuple[int, int]]], dict[tuple[int, int], Recorded]]
_sources: list[Source] = []


def records_source(fn: Source) -> Source:
    """Register the function that counts the records of (base id, year) pairs (the training app's)."""
    _sources.append(fn)
    return fn


def recorded(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Recorded]:
    """The recorded figures of each (base id, year) pair; a pair without records maps to NOTHING."""
    wanted = set(pairs)
    found: dict[tuple[int, int], Recorded] = {}
    if wanted:
        for source in _sources:
            found.update(source(wanted))
    return {pair: found.get(pair, NOTHING) for pair in wanted}


def tolerance() -> int:
    """The province's tolerance, in per cent (percentage points for the Art. 14 share)."""
    return FilingCheckPolicy.current().tolerance_percent


@dataclass(frozen=True)
class Line:
    label: str
    declared: int | Decimal | None
    recorded: int | Decimal
    beyond: bool
    unit: str = ""

    @property
    def difference(self):
        return None if self.declared is None else self.declared - self.recorded


def _count_beyond(declared: int | None, recorded: int, percent: int) -> bool:
    if declared is None:
        return False
    if recorded == 0:
        return declared > 0
    return abs(declared - recorded) * 100 > recorded * percent


def _share(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Check:
    """A filing's declared figures against its year's records, line by line."""

    year: int
    tolerance: int
    lines: list[Line]
    recorded: Recorded

    @property
    def beyond(self) -> list[Line]:
        return [line for line in self.lines if line.beyond]

    @property
    def summary(self) -> str:
        """One sentence for a queue or a flag."""
        if not self.beyond:
            return ""
        if self.recorded.empty:
            return f"{self.year}年没有培训记录，无法核对申报数（第十八条、第二十条）"
        names = "、".join(line.label for line in self.beyond[:3]) + ("等" if len(self.beyond) > 3 else "")
        return f"{names}与培训记录相差超过{self.tolerance}%（第二十条真实性核查）"


def check(filing: AnnualFiling, figures: Recorded, *, percent: int, programmes=None) -> Check:
    """Compare a filing with its year's recorded figures. `programmes`: the filing's programme rows, when the
    caller has them (else they are read)."""
    rows = programmes if programmes is not None else filing.programmes.all()
    declared_forms = {p.form: p for p in rows if p.part == FilingPart.REPORT}
    lines = [
        Line(
            "培训专业技术人员人数",
            filing.trained_total,
            figures.trained_total,
            _count_beyond(filing.trained_total, figures.trained_total, percent),
            "人",
        )
    ]
    declared_share = _share(filing.priority_area_trainees, filing.trained_total)
    recorded_share = _share(figures.priority_area_trainees, figures.trained_total) or Decimal("0.0")
    lines.append(
        Line(
            "革命老区、民族地区和不发达地区学员占比（第十四条）",
            declared_share,
            recorded_share,
            declared_share is not None and abs(declared_share - recorded_share) > percent,
            "%",
        )
    )
    for form in ServiceForm:
        programme = declared_forms.get(form.value)
        classes, trainees = figures.by_form.get(form.value, (0, 0))
        if programme is None and not classes:
            continue
        count = programme.count if programme else None
        people = programme.trainees if programme else None
        # a form the report leaves out while the records hold classes in it is a difference too
        lines.append(
            Line(f"{form.label}：班次", count, classes, _count_beyond(count if programme else 0, classes, percent))
        )
        lines.append(
            Line(
                f"{form.label}：培训人数",
                people,
                trainees,
                _count_beyond(people if programme else 0, trainees, percent),
                "人",
            )
        )
    return Check(year=filing.year, tolerance=percent, lines=lines, recorded=figures)


def checks_for(filings: list[AnnualFiling], *, percent: int | None = None) -> dict[int, Check]:
    """The check of each filing of a page, by filing id, in a fixed number of queries: the tolerance, the
    records' counts, and the programme rows (one query for all, unless the caller prefetched them)."""
    if not filings:
        return {}
    prefetch_related_objects(filings, "programmes")
    percent = tolerance() if percent is None else percent
    figures = recorded((f.base_id, f.year) for f in filings)
    return {f.pk: check(f, figures[(f.base_id, f.year)], percent=percent) for f in filings}
