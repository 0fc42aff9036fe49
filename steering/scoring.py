"""The transparent score of a base's application to run a programme (Art. 14, 19, 21, 22), and the share of a
programme's quota by largest remainder. Every part is a number from 0 to 100 that the page shows beside its
weight, so a base can see why it got what it got.

- 考核抽查结果 (Art. 21): the latest confirmed periodic inspection or spot check: 优秀 100, 合格 70,
  不合格 0; none yet 50.
- 表扬推广 (Art. 22): 100 when the province commended the base within the last three years, else 0.
- 往年任务完成率 (Art. 21): what the base delivered of the tasks it was allocated in earlier years
  (capped at 100); no earlier task 50.
- 年培训千人任务 (Art. 19): its latest annual report's trainees over 1,000 (capped at 100); no report 0.
- 领域匹配 (Art. 3): the share of its current faculty pool whose fields name the programme's field; a
  programme open to every field gives 100.
- 地区倾斜 (Art. 14): 100 for a base in a city the programme favours, or when the programme favours none;
  else the share of its latest year's trainees from the areas of Art. 14.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery, Sum

from bases.models import MIN_ANNUAL_TRAINEES, AnnualFiling, Base, Teacher
from supervision.models import Inspection, Result

from .models import PARTS, Programme, Share

RESULT_POINTS = {Result.EXCELLENT: 100, Result.PASS: 70, Result.FAIL: 0}
NO_INSPECTION, NO_HISTORY = 50, 50
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scored:
    share_id: int
    programme_id: int
    quota: int
    parts: dict[str, int]
    score: Decimal


def _percent(part, whole) -> int:
    if not whole:
        return 0
    return min(100, round(100 * part / whole))


def score_round(round_, *, today: date) -> list[Scored]:
    """Score every application of a round in 6 queries whatever their number, reading plain rows (20,000
    applications at ten times the province): the facts are read per base, not per application."""
    weights, year = round_.weights, round_.year
    applications = Share.objects.filter(programme__round=round_)
    applicants = applications.values("base")
    # 1 query: the applications, with what the score reads of their base and programme
    rows = list(
        applications.order_by("programme_id", "id").values_list(
            "pk",
            "programme_id",
            "programme__quota",
            "programme__field_id",
            "programme__field__name",
            "base_id",
            "base__region_id",
            "base__commended_at",
        )
    )
    # 1 query: the cities each programme favours (Art. 14)
    favoured: dict[int, set[int]] = {}
    for programme_id, region_id in Programme.target_regions.through.objects.filter(programme__round=round_).values_list(
        "programme_id", "region_id"
    ):
        favoured.setdefault(programme_id, set()).add(region_id)
    latest_filing = AnnualFiling.objects.filter(base=OuterRef("pk"), trained_total__isnull=False).order_by("-year")
    # 1 query: each applicant's latest confirmed result and latest annual report
    facts = {
        pk: (result, trained, priority)
        for pk, result, trained, priority in Base.objects.filter(pk__in=applicants)
        .annotate(
            result=Subquery(
                Inspection.objects.filter(base=OuterRef("pk"), confirmed_at__isnull=False)
                .exclude(result="")
                .order_by("-confirmed_at", "-id")
                .values("result")[:1]
            ),
            trained=Subquery(latest_filing.values("trained_total")[:1]),
            priority=Subquery(latest_filing.values("priority_area_trainees")[:1]),
        )
        .values_list("pk", "result", "trained", "priority")
    }
    # 1 query: the fields of each applicant's current faculty pool (Art. 16)
    teachers: dict[int, list[str]] = {}
    for base_id, fields in Teacher.objects.current().filter(base__in=applicants).values_list("base_id", "fields"):
        teachers.setdefault(base_id, []).append(fields)
    # 1 query: what each applicant delivered of the tasks allocated in earlier years
    history = {
        base: (allocated, delivered)
        for base, allocated, delivered in Share.objects.filter(
            base__in=applicants, programme__round__year__lt=year, allocated__gt=0, delivered__isnull=False
        )
        .values("base")
        .annotate(allocated=Sum("allocated"), delivered=Sum("delivered"))
        .values_list("base", "allocated", "delivered")
    }
    recent = today - timedelta(days=3 * 365)
    scored = []
    for pk, programme_id, quota, field_id, field_name, base_id, region_id, commended_at in rows:
        result, trained, priority = facts[base_id]
        regions = favoured.get(programme_id)
        pool = teachers.get(base_id, ())
        past = history.get(base_id)
        parts = {
            "inspection": RESULT_POINTS.get(result, NO_INSPECTION),
            "commendation": 100 if commended_at and commended_at.date() >= recent else 0,
            "completion": _percent(past[1], past[0]) if past else NO_HISTORY,
            "duty": _percent(trained or 0, MIN_ANNUAL_TRAINEES),
            "field": 100 if field_id is None else _percent(sum(1 for f in pool if field_name in f), len(pool)),
            "region": 100 if not regions or region_id in regions else _percent(priority or 0, trained or 0),
        }
        total = Decimal(sum(weights[part] * parts[part] for part, _, _ in PARTS)) / 100  # exact: 2 decimals
        scored.append(Scored(pk, programme_id, quota, parts, total.quantize(CENT, rounding=ROUND_HALF_UP)))
    return scored


def largest_remainder(quota: int, scores: list[tuple[object, Decimal]]) -> dict[object, int]:
    """Share `quota` in proportion to the scores: each gets the whole part of its exact share, and the units
    left over go to the largest remainders (ties to the higher score, then the earlier key)."""
    total = sum(score for _, score in scores)
    if quota <= 0 or not scores or total <= 0:
        return {key: 0 for key, _ in scores}
    exact = [(key, Decimal(quota) * score / total, score, n) for n, (key, score) in enumerate(scores)]
    shares = {key: int(value) for key, value, _, _ in exact}
    left = quota - sum(shares.values())
    by_remainder = sorted(exact, key=lambda e: (-(e[1] - int(e[1])), -e[2], e[3]))
    for key, *_ in by_remainder[:left]:
        shares[key] += 1
    return shares
