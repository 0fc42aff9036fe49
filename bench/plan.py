"""The three-year inspection plan (Art. 20) over 10,000 bases: the proposal's time and SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/plan.py [10000]

Needs a migrated database, no seed: inside a transaction that is rolled back at the end it bulk-creates the
bases (each with its institution and application, due dates spread over the next three years, a few overdue)
and two commissioned units per city with a monthly capacity, then proposes the plan for 1,000 and for all of
them. Target (issue 18, Scale): 10,000 bases in ≤ 5 s, with the same number of queries as 1,000.
"""

import random
import sys
import time
from datetime import timedelta

import django  # noqa: E402
from _setup import ROOT  # noqa: F401  (settings and the path)

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import InspectorUnit, Institution, InstitutionKind, Region, Role, User  # noqa: E402
from applications.models import Application, Batch, State  # noqa: E402
from bases.models import Base, BaseStatus  # noqa: E402
from supervision.models import PlannedInspection, UnitCapacity  # noqa: E402
from supervision.services import propose_plan  # noqa: E402

LIMIT_SECONDS = 5.0
PREFIX = "计划压测"


class Rollback(Exception):
    pass


def setup():
    """The province's account, a batch, and two units per city that can each inspect 15 bases a month."""
    today = timezone.localdate()
    province = User.objects.create(username=f"{PREFIX}省厅", role=Role.PROVINCE)
    batch = Batch.objects.create(name=f"{PREFIX}批次", year=today.year - 3, opens_on=today, closes_on=today)
    for r, region in enumerate(Region.objects.order_by("order")):
        for k in range(2):
            unit = InspectorUnit.objects.create(name=f"{PREFIX}评估单位{r}-{k}", region=region)
            UnitCapacity.objects.create(unit=unit, per_month=15, set_by=province)
    return province, batch


def build(start: int, n: int, province, batch, rng: random.Random):
    """Bases number start .. start + n - 1, each with its institution and application (bulk inserts)."""
    today = timezone.localdate()
    regions = list(Region.objects.order_by("order"))
    kind = InstitutionKind.objects.order_by("code").values_list("code", flat=True).first()
    institutions = Institution.objects.bulk_create(
        [
            Institution(
                name=f"{PREFIX}机构{i:05d}",
                credit_code=f"91350{i:013d}",
                type_id=kind,
                region=regions[i % len(regions)],
                legal_representative="张三",
                address="福州市",
                contact_person="李四",
                phone="0591-00000000",
                email=f"plan{i}@example.cn",
            )
            for i in range(start, start + n)
        ],
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        [
            Application(batch=batch, institution=inst, state=State.APPROVED, created_by=province, legacy_fields="教育")
            for inst in institutions
        ],
        batch_size=2000,
    )
    bases = []
    for i, (inst, app) in enumerate(zip(institutions, applications, strict=True), start=start):
        due = today + timedelta(days=rng.randint(-60, 3 * 365))
        bases.append(
            Base(
                institution=inst,
                application=app,
                batch=batch,
                register_number=f"{PREFIX}{i:05d}",
                year=today.year - 3,
                sequence=i + 1,
                recognised_on=today - timedelta(days=3 * 365),
                name=inst.name,
                region_id=inst.region_id,
                institution_type_id=kind,
                fields="教育",
                address="福州市",
                contact_person="李四",
                phone="0591-00000000",
                email="base@example.cn",
                status=BaseStatus.SUSPENDED if i % 200 == 0 else BaseStatus.ACTIVE,
                next_inspection_due=due,
                verification_code=f"PL{i:010d}",
            )
        )
    Base.objects.bulk_create(bases, batch_size=2000)


def propose(province):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        plan = propose_plan(actor=province)
        elapsed = time.perf_counter() - started
    entries = PlannedInspection.objects.filter(plan=plan)
    return elapsed, len(ctx.captured_queries), entries.count(), entries.filter(unit__isnull=True).count()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(20261205)
    ok = True
    try:
        with transaction.atomic():
            province, batch = setup()
            print(f"{'bases':>8}{'build s':>9}{'seconds':>10}{'queries':>9}{'entries':>9}{'unplaced':>10}")
            rows, built = [], 0
            for size in (n // 10, n):
                started = time.perf_counter()
                build(built, size - built, province, batch, rng)
                built, building = size, time.perf_counter() - started
                elapsed, queries, entries, unplaced = propose(province)
                rows.append((size, elapsed, queries))
                print(f"{size:>8,}{building:>9.1f}{elapsed:>10.2f}{queries:>9}{entries:>9,}{unplaced:>10,}")
            (_, _, q_small), (_, elapsed, q_large) = rows
            fast = elapsed <= LIMIT_SECONDS
            fixed = q_small == q_large
            ok = fast and fixed
            print(f"{'PASS' if fast else 'FAIL'}: {n:,} bases in {elapsed:.2f} s (limit {LIMIT_SECONDS:.0f} s)")
            print(f"{'PASS' if fixed else 'FAIL'}: {q_large} queries for {n:,} bases, {q_small} for {n // 10:,}")
            raise Rollback
    except Rollback:
        pass
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
