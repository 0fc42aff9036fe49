"""The allocation proposal at ten times the province (issue 18, Scale): 10,000 live bases each applying to two
programmes are scored in six parts and the quotas shared, in ≤ 5 s and with the same number of queries as
for 100 bases. Prints PASS/FAIL per figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/allocation.py [BASES]

Needs no seeded data: it writes its own bases (with a faculty pool, an annual report and a confirmed
inspection each) inside a transaction that it rolls back, so any database at the current migration will do.
"""

import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "True")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Institution, Region, Role, TrainingField, User  # noqa: E402
from applications.models import Application, Batch  # noqa: E402
from bases.models import AnnualFiling, Base, Teacher  # noqa: E402
from steering import services  # noqa: E402
from steering.models import ProgrammeKind, Share  # noqa: E402
from supervision.models import Inspection  # noqa: E402

BASES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LIMIT_S = 5.0
WEIGHTS = {"inspection": 30, "commendation": 10, "completion": 20, "duty": 15, "field": 15, "region": 10}


def seed(n: int, tag: str, province: User, batch: Batch) -> list[Base]:
    regions = list(Region.objects.all())
    today = timezone.localdate()
    institutions = Institution.objects.bulk_create(
        Institution(
            name=f"分配测试{tag}{i:05d}",
            credit_code=f"B{tag}{i:07d}".ljust(18, "0")[:18],
            type_id="training",
            region=regions[i % len(regions)],
            legal_representative="张三",
            address="福州",
            contact_person="李四",
            phone="0591-1",
            email=f"b{tag}{i}@example.cn",
        )
        for i in range(n)
    )
    apps = Application.objects.bulk_create(
        Application(
            batch=batch,
            institution=inst,
            state="approved",
            created_by=province,
            recommender_kind="region",
            recommender_region=inst.region,
        )
        for inst in institutions
    )
    bases = Base.objects.bulk_create(
        Base(
            institution=inst,
            application=app,
            batch=batch,
            register_number=f"闽继教基地〔{tag}〕{i}号",
            year=2100 + int(tag),
            sequence=i + 1,
            recognised_on=today - timedelta(days=400),
            name=inst.name,
            region=inst.region,
            recommender_region=inst.region,
            institution_type_id="training",
            fields="工程技术",
            address="福州",
            contact_person="李四",
            phone="0591-1",
            email=inst.email,
            verification_code=f"AL{tag}{i:08d}",
            published_at=timezone.now(),
            commended_at=timezone.now() if i % 7 == 0 else None,
        )
        for i, (inst, app) in enumerate(zip(institutions, apps, strict=True))
    )
    Teacher.objects.bulk_create(
        Teacher(
            base=b,
            name=f"教师{k}",
            degree="bachelor",
            fields="工程技术" if k else "卫生健康",
            active_from=date(2024, 1, 1),
        )
        for b in bases
        for k in range(2)
    )
    AnnualFiling.objects.bulk_create(
        AnnualFiling(
            base=b, year=today.year - 1, state="accepted", trained_total=600 + (i % 900), priority_area_trainees=i % 200
        )
        for i, b in enumerate(bases)
    )
    Inspection.objects.bulk_create(
        Inspection(
            base=b,
            kind="periodic",
            state="confirmed",
            scheduled_on=today,
            result=("excellent", "pass", "fail")[i % 3],
            confirmed_at=timezone.now(),
            created_by=province,
        )
        for i, b in enumerate(bases)
    )
    return bases


def measure(n: int, tag: str) -> tuple[float, int]:
    with transaction.atomic():
        province = User.objects.create(username=f"bench-province-{tag}", role=Role.PROVINCE)
        batch = Batch.objects.create(
            name=f"分配测试批次{tag}", year=2100, opens_on=date(2100, 1, 1), closes_on=date(2100, 2, 1)
        )
        bases = seed(n, tag, province, batch)
        round_ = services.open_round(actor=province, year=2200 + int(tag), weights=WEIGHTS)
        engineering = TrainingField.objects.get(name="工程技术")
        programmes = [
            services.save_programme(
                actor=province,
                round_=round_,
                name="工程技术高级研修",
                kind=ProgrammeKind.ADVANCED,
                field=engineering,
                unit="places",
                quota=50_000,
                budget=Decimal(100),
                target_regions=list(Region.objects.filter(code__in=["350700", "350800"])),
            ),
            services.save_programme(
                actor=province,
                round_=round_,
                name="公需科目",
                kind=ProgrammeKind.PUBLIC,
                field=None,
                unit="classes",
                quota=3_000,
                budget=Decimal(50),
                target_regions=[],
            ),
        ]
        Share.objects.bulk_create(Share(programme=p, base=b, applied_by=province) for p in programmes for b in bases)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            scored = services.propose(actor=province, round_=round_)
            elapsed = time.perf_counter() - started
        assert scored == 2 * n
        transaction.set_rollback(True)
    return elapsed, len(queries)


if __name__ == "__main__":
    small_s, small_q = measure(100, "1")
    large_s, large_q = measure(BASES, "2")
    print(f"allocation proposal, 100 bases (200 applications): {small_s:.2f} s, {small_q} queries")
    print(f"allocation proposal, {BASES:,} bases ({2 * BASES:,} applications): {large_s:.2f} s, {large_q} queries")
    print(f"{'PASS' if large_s <= LIMIT_S else 'FAIL'}  proposal at {BASES:,} bases ≤ {LIMIT_S:.0f} s: {large_s:.2f} s")
    print(
        f"{'PASS' if large_q == small_q else 'FAIL'}  fixed number of queries: {small_q} at 100, {large_q} at {BASES:,}"
    )
