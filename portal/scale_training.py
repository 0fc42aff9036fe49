"""Training records at provincial scale for `seed_scale` (issue 17): classes of 100 trainees at the scale bases
over the last three years, and their participants, written with PostgreSQL COPY.

People recur, as they do: N participant rows are N/3 distinct persons, each in about three classes at different
bases and years, so a learning record (Art. 28) has several lines. Each person's ID number is a valid GB 11643
number, sealed, fingerprinted and masked once through core.pii and reused for every class they attend (sealing
3 million values one by one would take 45 s of the seed's time; a million takes 15 s).

The participants get no history rows, as the scale seed already does for the rows of applications (managers,
documents) and inspections (checklist items): the history of three million bulk inserts would only double the
table. The classes get theirs.
"""

import io
import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import Region
from bases.models import Base, ServiceForm
from core import pii
from training.models import Mode, Participant, Result, TrainingClass

TRAINEES_PER_CLASS = 100
YEARS = 3
RECURRENCE = 3  # classes per person, on average
DEFAULT_PARTICIPANTS = 20_000  # CI and a developer's machine: 200 classes, a few seconds
LARGEST = 3_000_000  # the province: 1,000 bases × 3 years × 10 classes × 100 trainees
CHUNK = 20_000  # rows per COPY write: memory stays flat as the participants grow
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文辉力斌婷雪琳晨浩宇鑫欣怡"
# district codes of the nine cities of Fujian, in the order of the regions
DISTRICTS = ("350102", "350203", "350302", "350402", "350502", "350602", "350702", "350802", "350902")
FIELDS = ("工程技术", "卫生健康", "教育", "农业", "经济管理")


def id_number(person: int) -> str:
    """The person's resident ID number: a Fujian district, a birth date between 1960 and 1998, a sequence and the
    check digit. Distinct for every person below 126 million (district × date × sequence)."""
    district, rest = DISTRICTS[person % 9], person // 9
    born = date(1960, 1, 1) + timedelta(days=(rest // 1000) * 97 % 14000)  # 97 is prime to 14,000: one to one
    first_17 = f"{district}{born:%Y%m%d}{rest % 1000:03d}"
    return first_17 + pii.check_digit(first_17)


def people_for(participants: int) -> int:
    """About a third as many people as participant rows: a whole number of classes plus one, so that a person's
    next class is the one a class-and-a-base further on (another base, and a year later at the largest)."""
    return (participants // RECURRENCE // TRAINEES_PER_CLASS + 1) * TRAINEES_PER_CLASS


def grow(*, prefix: str, participants: int, today: date, now, rng: random.Random) -> dict | None:
    """Classes and participants for the bases named `prefix…`; None when they have classes already."""
    bases = list(Base.objects.filter(name__startswith=prefix).order_by("id").values_list("id", flat=True))
    if not bases or TrainingClass.objects.filter(base_id__in=bases).exists():
        return None
    regions = list(Region.objects.order_by("order").values_list("id", flat=True))
    with transaction.atomic():
        classes = make_classes(bases, participants, today, now, rng)
        people = make_people(people_for(participants), rng)
        written = write_participants(classes, people, participants, regions, now, rng)
    if connection.vendor == "postgresql":  # fresh statistics and visibility map: index-only scans from the start
        vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # a test's transaction: no VACUUM
        with connection.cursor() as cursor:
            for table in (Participant._meta.db_table, TrainingClass._meta.db_table):
                cursor.execute(f"{vacuum} {table}")
    return {"training classes": len(classes), "participants": written, "distinct trainees": len(people)}


def make_classes(bases, participants, today, now, rng) -> list[TrainingClass]:
    """Class k goes to base k mod the bases, in year k div the bases mod 3: ten a year per base at the largest."""
    count = -(-participants // TRAINEES_PER_CLASS)
    forms = list(ServiceForm.values)
    classes = []
    for k in range(count):
        base, cycle = bases[k % len(bases)], k // len(bases)
        year, nth = today.year - cycle % YEARS, cycle // YEARS
        starts = date(year, 1 + nth % 11, rng.randint(1, 24))
        hours = Decimal(rng.choice((8, 16, 24, 40, 56)))
        classes.append(
            TrainingClass(
                base_id=base,
                title=f"{rng.choice(FIELDS)}专业技术人员继续教育培训班（{year}年第{nth + 1}期）",
                service_form=rng.choice(forms),
                field=rng.choice(FIELDS),
                starts_on=starts,
                ends_on=starts + timedelta(days=rng.randint(0, 6)),
                hours=hours,
                mode=rng.choice(Mode.values),
                venue="福州市鼓楼区",
                is_public_benefit=rng.random() < 0.2,
                planned_trainees=TRAINEES_PER_CLASS,
                record_id=f"GM{year}-{nth + 1:03d}",
            )
        )
    bulk_create_with_history(classes, TrainingClass, batch_size=2000, default_date=now)
    ids = TrainingClass.objects.filter(base_id__in=bases).order_by("id").values_list("id", flat=True)
    for training_class, pk in zip(classes, ids, strict=True):  # bulk_create_with_history keeps the order
        training_class.pk = pk
    return classes


def make_people(count: int, rng) -> list[tuple[str, str, str, str]]:
    """(name, sealed, fingerprint, masked) per person."""
    people = []
    for person in range(count):
        number = id_number(person)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if person % 3 else "")
        people.append((name, pii.seal(number), pii.fingerprint(number), pii.mask(number)))
    return people


def write_participants(classes, people, participants, regions, now, rng) -> int:
    """Slot s (the j-th trainee of class k) is person s·A mod P, with A prime to P: a permutation of the people,
    so a class's hundred trainees are distinct, and slots P apart are the same person: P/100 classes on, which
    is one base further and, at the largest setting, ten classes a year later."""
    step = next(a for a in range(7_919, 10**7) if math.gcd(a, len(people)) == 1)
    rows = []
    stamp = now.isoformat()
    for slot in range(participants):
        training_class = classes[slot // TRAINEES_PER_CLASS]
        person = slot * step % len(people)
        name, sealed, fingerprint, masked = people[person]
        roll = rng.random()
        attended = training_class.hours if roll < 0.9 else training_class.hours / 2
        result = Result.PASSED if roll < 0.88 else (Result.FAILED if roll < 0.95 else Result.NOT_ASSESSED)
        rows.append(
            (
                training_class.pk,
                name,
                sealed,
                fingerprint,
                masked,
                f"{DISTRICTS[person % 9][:4]}某单位{person % 997}",
                regions[person % len(DISTRICTS) % len(regions)],  # the city of the ID number
                person % 10 == 0,  # from the areas of Art. 14
                attended,
                result,
                training_class.ends_on if result != Result.NOT_ASSESSED else None,
                stamp,
                "",
            )
        )
        if len(rows) == CHUNK:
            _insert(rows)
            rows = []
    _insert(rows)
    return participants


COLUMNS = (
    "training_class_id",
    "name",
    "id_number_sealed",
    "id_fingerprint",
    "id_masked",
    "employer",
    "region_id",
    "from_priority_area",
    "hours_attended",
    "result",
    "assessed_on",
    "created_at",
    "record_id",
)


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _insert(rows) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":  # the tests' SQLite: the same rows through the ORM
        Participant.objects.bulk_create(
            [Participant(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
            batch_size=2000,
        )
        return
    text = io.StringIO()
    for row in rows:  # no value holds a tab, a newline or a backslash: plain text format
        text.write("\t".join(_text(value) for value in row))
        text.write("\n")
    statement = f"COPY {Participant._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(text.getvalue())
