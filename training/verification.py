"""The figures a base's training records give for a year, for the 真实性核查 of its annual report (Art. 20):
registered with `bases.verification`, which sits below this app and compares them with the report.

A class counts in the year it ends (结业), the year its trainees finish; a trainee counts once a year however
many classes they attend (Art. 7(5) and 19 count people, not places), and only with hours attended. Three
queries for any number of (base, year) pairs.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from bases.verification import Recorded, records_source

from .models import Participant, TrainingClass


@records_source
def records_of_years(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Recorded]:
    base_ids = sorted({base_id for base_id, _ in pairs})
    years = sorted({year for _, year in pairs})
    span = {"ends_on__gte": f"{years[0]}-01-01", "ends_on__lte": f"{years[-1]}-12-31"}
    classes = (
        TrainingClass.objects.filter(base_id__in=base_ids, **span)
        .values("base_id", "service_form", year=ExtractYear("ends_on"))
        .annotate(n=Count("id"))
        .order_by()
    )
    attended = Participant.objects.filter(
        training_class__base_id__in=base_ids,
        **{f"training_class__{key}": value for key, value in span.items()},
        hours_attended__gt=0,
    )
    people_by_form = (
        attended.values(
            "training_class__base_id", "training_class__service_form", year=ExtractYear("training_class__ends_on")
        )
        .annotate(n=Count("id_fingerprint", distinct=True))
        .order_by()
    )
    totals = (
        attended.values("training_class__base_id", year=ExtractYear("training_class__ends_on"))
        .annotate(
            people=Count("id_fingerprint", distinct=True),
            priority=Count("id_fingerprint", distinct=True, filter=Q(from_priority_area=True)),
        )
        .order_by()
    )
    by_form: dict[tuple[int, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in classes:
        by_form[(row["base_id"], row["year"])][row["service_form"]][0] = row["n"]
    for row in people_by_form:
        key = (row["training_class__base_id"], row["year"])
        by_form[key][row["training_class__service_form"]][1] = row["n"]
    total = {(row["training_class__base_id"], row["year"]): row for row in totals}
    out = {}
    for pair in pairs:
        if pair not in by_form:
            continue
        row = total.get(pair, {})
        out[pair] = Recorded(
            trained_total=row.get("people", 0),
            priority_area_trainees=row.get("priority", 0),
            by_form={form: (n[0], n[1]) for form, n in by_form[pair].items()},
        )
    return out
