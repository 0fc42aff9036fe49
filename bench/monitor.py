"""The obligations monitor (issue 18 (4)) at ten times the province: time and SQL queries with 10,000 bases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/monitor.py [BASES]

On the data of `seed_scale` (1,000 bases), it measures the monitor page, its CSV export and the home page's
counts, then tops the register up to BASES bases (10,000 by default) with live copies of the seeded ones on the
applications that have no base — a third with a fee disclosure, a third with a teacher — and measures again,
all inside a transaction that is rolled back, so the data stays as seeded. PASS when the number of queries
is the same for both sizes and every measurement at full size takes at most 5 s.
"""

import sys
import time

from _setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from applications.models import Application  # noqa: E402
from bases.models import Base, BaseStatus, FeeDisclosure, Teacher  # noqa: E402
from supervision import selectors  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
TARGET = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LIMIT_SECONDS = 5.0


class Rollback(Exception):
    pass


def measure(label, fn):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
    return label, elapsed, len(ctx.captured_queries)


def read(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            for _ in response.streaming_content:
                pass

    return get


def runs(client):
    today = timezone.localdate()
    monitor = reverse("supervision:obligations")
    return [
        measure("monitor page", read(client, monitor)),
        measure("monitor, one duty, page 3", read(client, f"{monitor}?duty=fee_disclosure&page=3")),
        measure("monitor CSV export", read(client, f"{monitor}?export=csv")),
        measure("home counts (selector)", lambda: selectors.obligation_counts(today)),
    ]


def top_up(target):
    """Live copies of the seeded bases on applications that have none, until `target` bases exist."""
    need = target - Base.objects.count()
    if need <= 0:
        return
    models = list(Base.objects.order_by("id")[:100])
    free = list(Application.objects.filter(base__isnull=True).select_related("institution").order_by("id")[:need])
    now = timezone.now()
    new = []
    for i, app in enumerate(free):
        model = models[i % len(models)]
        new.append(
            Base(
                institution_id=app.institution_id,
                application=app,
                batch_id=app.batch_id,
                register_number=f"BENCH-{i:06d}",
                year=model.year,
                sequence=900_000 + i,
                recognised_on=model.recognised_on,
                name=f"规模测试监测{i}",
                region_id=app.institution.region_id,
                recommender_region_id=app.recommender_region_id,
                recommender_department_id=app.recommender_department_id,
                institution_type_id=model.institution_type_id,
                fields=model.fields,
                address=model.address,
                contact_person="李四",
                phone=model.phone,
                email=model.email,
                status=BaseStatus.ACTIVE,
                published_at=now,
                next_inspection_due=model.next_inspection_due,
                verification_code=f"BM{i:012d}",
            )  # fmt: skip
        )
    created = Base.objects.bulk_create(new, batch_size=1000)
    FeeDisclosure.objects.bulk_create(
        [FeeDisclosure(base=b, scope="继续教育", content="公需科目", fee_items="每学时 10元") for b in created[::3]],
        batch_size=1000,
    )
    teachers = [Teacher(base=b, name="教师", degree="bachelor", active_from=b.recognised_on) for b in created[1::3]]
    bulk_create_with_history(teachers, Teacher, batch_size=1000, default_date=now)


def main():
    client = Client()
    client.force_login(User.objects.filter(role=Role.PROVINCE).first())
    client.get(reverse("supervision:obligations"))  # warm: session, content types, regions
    small = Base.objects.live().count()
    before = runs(client)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            top_up(TARGET)
            total = Base.objects.count()
            large = Base.objects.live().count()
            print(f"topped up to {total} bases ({large} live) in {time.perf_counter() - started:.1f} s")
            after = runs(client)
            raise Rollback
    except Rollback:
        pass
    print(f"{'measurement':<28}{small:>7} bases (s, queries){large:>9} bases (s, queries)")
    ok = total >= TARGET
    for (label, t1, q1), (_, t2, q2) in zip(before, after, strict=True):
        fine = q1 == q2 and t2 <= LIMIT_SECONDS
        ok &= fine
        print(f"{label:<28}{t1:>10.2f}{q1:>6}{t2:>21.2f}{q2:>6}   {'ok' if fine else 'FAIL'}")
    print("PASS" if ok else f"FAIL (same queries at both sizes and ≤ {LIMIT_SECONDS} s at {TARGET} bases)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
