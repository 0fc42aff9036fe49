"""Every read the training pages need, shaped for them: each list one query for its rows, bound to the viewer
so the page asks `can` without more."""

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from bases.models import Base
from core import access, pii

from .models import Participant, Result, TrainingClass, TrainingImport


def with_participant_counts(classes) -> list[TrainingClass]:
    """The classes of a page, each with its `participant_count`: one query over the participants' class index for
    the rows shown. Counting in the list's own query (a JOIN with GROUP BY, or a subquery per row) would count
    for every class the page skips too: 3.6 s for the first page, or 0.15 s for page 500, at 3 million
    participants (bench/README.md)."""
    rows = list(classes)
    counts = dict(
        Participant.objects.filter(training_class__in=rows)
        .order_by()
        .values_list("training_class")
        .annotate(n=Count("*"))
    )
    for row in rows:
        row.participant_count = counts.get(row.pk, 0)
    return rows


def classes_of(user, base: Base, *, lookups: dict) -> QuerySet[TrainingClass]:
    """A base's classes, newest first (their participant counts: `with_participant_counts` on a page)."""
    return access.visible(user, TrainingClass.objects.filter(base=base, **lookups)).order_by("-starts_on", "-id")


def classes_for(user, *, lookups: dict) -> QuerySet[TrainingClass]:
    """Every class the user may see (the province all, a recommender its bases'), with base and city, newest
    first (their participant counts: `with_participant_counts` on a page)."""
    return (
        access.visible(user, TrainingClass.objects.filter(**lookups))
        .select_related("base__region")
        .order_by("-starts_on", "-id")
    )


def bases_with_classes(user) -> QuerySet[Base]:
    """The bases a filter may name: those the user sees."""
    return access.visible(user, Base.objects.all()).only("id", "name", "register_number").order_by("name")


def participants_of(user, training_class: TrainingClass) -> list[Participant]:
    """A class's participants with their cities, bound to the viewer."""
    rows = access.visible(user, training_class.participants.select_related("region")).order_by("name", "id")
    participants = access.bind(user, list(rows))
    for participant in participants:
        participant.training_class = training_class  # the guards read the class's base: no query per row
    return participants


def disclosures_of(participant: Participant, *, limit: int = 20):
    return list(participant.disclosures.select_related("user").order_by("-created_at", "-id")[:limit])


def learning_record(*, id_number: str) -> QuerySet[Participant]:
    """A trainee's learning record (Art. 28): every class they attended at any base, oldest first, found by the
    keyed fingerprint of their ID number (the number itself is never searched). One query; callers check that
    the viewer may see learning records (the province, the platform's read token)."""
    return (
        Participant.objects.filter(id_fingerprint=pii.fingerprint(id_number))
        .select_related("training_class__base", "region")
        .order_by("training_class__starts_on", "training_class_id")
    )


def learning_record_years(*, id_number: str) -> list[dict]:
    """A trainee's hours per year (the year a class began), across all bases: what the 继续教育证书 counts."""
    return list(
        Participant.objects.filter(id_fingerprint=pii.fingerprint(id_number))
        .annotate(year=ExtractYear("training_class__starts_on"))
        .values("year")
        .annotate(
            classes=Count("id"),
            hours=Sum("hours_attended"),
            passed_hours=Sum("hours_attended", filter=Q(result=Result.PASSED)),
        )
        .order_by("year")
    )


def learning_hours(*, year: int, base: Base | None = None, full_numbers: bool = False) -> QuerySet:
    """Every trainee's hours in `year` (classes begun that year), one row per person (keyed by the fingerprint),
    optionally at one base; with `full_numbers` a sealed copy of the number comes along to be opened."""
    rows = Participant.objects.filter(training_class__starts_on__year=year)
    if base is not None:
        rows = rows.filter(training_class__base=base)
    extra = {"sealed": Max("id_number_sealed")} if full_numbers else {}
    return (
        rows.values("id_fingerprint")
        .annotate(
            name=Max("name"),
            id_masked=Max("id_masked"),
            classes=Count("id"),
            bases=Count("training_class__base", distinct=True),
            hours=Sum("hours_attended"),
            passed_hours=Sum("hours_attended", filter=Q(result=Result.PASSED)),
            **extra,
        )
        .order_by("id_masked", "id_fingerprint")
    )


def sheet_participants(training_class: TrainingClass) -> QuerySet[Participant]:
    """A class's participants as its attendance and results sheet lists them (Art. 18): by name."""
    return training_class.participants.only(
        "name", "id_masked", "employer", "hours_attended", "result", "training_class_id"
    ).order_by("name", "id")


def imports_of(user, base: Base, *, limit: int = 10) -> list[TrainingImport]:
    """A base's latest uploads of the training sheet, newest first."""
    return list(access.visible(user, TrainingImport.objects.filter(base=base)).select_related("user")[:limit])


# -- the API's reads (issue 17, point 3): a base token reads its own base's classes, the province's read token
# pulls across bases. Each is a fixed number of queries.


def class_by_record_id(base_id: int, record_id: str) -> TrainingClass | None:
    """A base's class by its 班级编号, with its participant count; None when the base has none of that number."""
    return (
        TrainingClass.objects.filter(base_id=base_id, record_id=record_id)
        .annotate(participant_count=Count("participants"))
        .first()
    )


def class_participants(training_class: TrainingClass, *, offset: int, limit: int) -> list[Participant]:
    """One page of a class's participants with their cities, in a stable order."""
    return list(
        training_class.participants.select_related("region")
        .defer("id_number_sealed")
        .order_by("id")[offset : offset + limit]
    )


def results_since(since) -> QuerySet[TrainingClass]:
    """Every base's classes changed at or after `since` (all when None), oldest change first, with their base and
    counts of participants and of passed assessments: the provincial platform's pull (Art. 18)."""
    classes = TrainingClass.objects.all() if since is None else TrainingClass.objects.filter(updated_at__gte=since)
    return (
        classes.select_related("base")
        .annotate(
            participant_count=Count("participants"),
            passed_count=Count("participants", filter=Q(participants__result=Result.PASSED)),
        )
        .order_by("updated_at", "id")
    )
