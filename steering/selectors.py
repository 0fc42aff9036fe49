"""Reads of the task allocation, shaped for its pages: the year's page with its proposal and reports, and a
base's own programmes and tasks. Each runs a fixed number of queries whatever the number of bases."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.models import Region
from bases.models import Base

from .models import PARTS, AllocationRound, Programme, RoundState, Share
from .scoring import RESULT_POINTS


def rounds() -> QuerySet[AllocationRound]:
    return AllocationRound.objects.select_related("decision", "announcement")


def round_programmes(round_: AllocationRound) -> list[Programme]:
    """The year's programmes with their shares (base, city) and favoured cities: 4 queries."""
    shares = Share.objects.select_related("base__region").order_by("-score", "base__year", "base__sequence")
    programmes = list(
        round_.programmes.select_related("field").prefetch_related(
            "target_regions", Prefetch("shares", queryset=shares)
        )
    )
    for programme in programmes:
        for share in programme.shares.all():
            share.part_values = [(share.parts or {}).get(part) for part, _, _ in PARTS]
        programme.given = sum(share.allocated or 0 for share in programme.shares.all())
    return programmes


@dataclass
class Report:
    """The allocation by city, field and base, and excellent bases against the others (Art. 21, 22)."""

    by_region: list = field(default_factory=list)  # (city, bases, allocated, delivered)
    by_field: list = field(default_factory=list)  # (field, programmes, quota, allocated, delivered)
    excellent: tuple = (0, 0, 0)  # (bases, allocated, average per base)
    others: tuple = (0, 0, 0)


def report(programmes: list[Programme]) -> Report:
    """From the loaded programmes, no further query but the cities (cached reference data)."""
    r = Report()
    cities = defaultdict(lambda: [set(), 0, 0])
    fields = defaultdict(lambda: [0, 0, 0, 0])
    groups = {True: [set(), 0], False: [set(), 0]}
    for programme in programmes:
        name = programme.field.name if programme.field else "不限领域"
        fields[name][0] += 1
        fields[name][1] += programme.quota
        for share in programme.shares.all():
            given = share.allocated or 0
            fields[name][2] += given
            fields[name][3] += share.delivered or 0
            city = cities[share.base.region.name]
            if given:
                city[0].add(share.base_id)
            city[1] += given
            city[2] += share.delivered or 0
            excellent = bool(share.parts) and (
                share.parts.get("commendation") == 100 or share.parts.get("inspection") == RESULT_POINTS["excellent"]
            )
            if given:
                groups[excellent][0].add(share.base_id)
            groups[excellent][1] += given
    order = {name: n for n, name in enumerate(Region.objects.order_by("order").values_list("name", flat=True))}
    r.by_region = sorted(
        ((name, len(v[0]), v[1], v[2]) for name, v in cities.items()), key=lambda row: order.get(row[0], 99)
    )
    r.by_field = [(name, *values) for name, values in sorted(fields.items())]
    for key, attr in ((True, "excellent"), (False, "others")):
        bases, given = groups[key]
        setattr(r, attr, (len(bases), given, round(given / len(bases), 1) if bases else 0))
    return r


def all_shares(round_: AllocationRound) -> QuerySet[Share]:
    """The rows of the export: every application of the year with its score and shares."""
    return (
        Share.objects.filter(programme__round=round_)
        .select_related("base__region", "programme__field")
        .order_by("programme_id", "-score", "id")
    )


def own_bases(user) -> list[Base]:
    return list(Base.objects.live().filter(institution_id=user.institution_id).prefetch_related("training_fields"))


def offers(bases: list[Base], applied: set[tuple[int, int]]) -> list[tuple[Programme, list[Base]]]:
    """The programmes of a year being drafted, each with the bases (of `bases`) that may still apply: in its field,
    or any base for a programme open to every field, and not applied already (Art. 3, 13). 1 query."""
    fields = {base.pk: {f.pk for f in base.training_fields.all()} for base in bases}
    programmes = Programme.objects.filter(round__state=RoundState.DRAFT).select_related("round", "field")
    found = []
    for programme in programmes:
        eligible = [
            base
            for base in bases
            if (programme.pk, base.pk) not in applied
            and (programme.field_id is None or programme.field_id in fields[base.pk])
        ]
        if eligible or any(programme.field_id is None or programme.field_id in f for f in fields.values()):
            found.append((programme, eligible))
    return found


def own_shares(user) -> QuerySet[Share]:
    return (
        Share.objects.filter(base__institution_id=user.institution_id)
        .select_related("programme__round", "programme__field", "base")
        .order_by("-programme__round__year", "programme_id")
    )


PART_LABELS = [(part, label) for part, label, _ in PARTS]
