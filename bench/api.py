"""How fast the JSON API takes a base's trainees (issue 17, point 3): N participant rows pushed in batches of
2,000 through the whole stack (Django's test client in-process: middleware, bearer token, rate limit, JSON and
pydantic parsing, the import's rules, sealing each ID number, bulk writes with history), against the target of
at least 500 participant rows per second. Then the same batches again (nothing to write) and a batch that
changes every row. Prints each figure with PASS/FAIL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/api.py [rows]

It needs no scale data: it makes its own base and token and rolls everything back at the end.
"""

import json
import sys
import time

import _setup  # noqa: F401 - settings from the environment
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core import pii  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
BATCH = 2_000
TARGET = 500  # participant rows per second


def trainee(n: int, hours: int = 40) -> dict:
    first_17 = f"350102{1960 + n % 40}{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return {
        "record_id": f"P{n}",
        "name": f"学员{n}",
        "id_number": first_17 + pii.check_digit(first_17),
        "employer": "福州某单位",
        "city": "福州市",
        "from_priority_area": n % 5 == 0,
        "hours_attended": hours,
        "result": "passed",
        "assessed_on": "2026-03-06",
    }


def klass(k: int) -> dict:
    return {
        "record_id": f"BENCH-{k:04d}",
        "title": f"基准测试培训班{k}",
        "service_form": "public_or_professional",
        "field": "工程技术",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-06",
        "hours": 40,
        "mode": "offline",
        "venue": "福州市鼓楼区",
        "is_public_benefit": False,
    }


def push(client, headers, batches, *, hours=40) -> tuple[float, dict, int]:
    """Push every batch (one class each); (seconds, the summed answer counts, SQL statements of one batch)."""
    totals, statements = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}, 0
    started = time.perf_counter()
    for k, numbers in enumerate(batches):
        body = json.dumps({"items": [trainee(n, hours) for n in numbers]})
        with CaptureQueriesContext(connection) as sql:
            response = client.post(
                f"/api/v1/classes/BENCH-{k:04d}/participants", body, content_type="application/json", headers=headers
            )
        assert response.status_code == 200, response.content[:500]
        statements = max(statements, len(sql.captured_queries))
        for key in totals:
            totals[key] += response.json()[key]
    return time.perf_counter() - started, totals, statements


def main():
    from accounts.models import Role, User
    from api import services
    from tests import factories

    settings.ALLOWED_HOSTS = ["*"]
    settings.API_RATE_LIMIT_PER_MINUTE = 10**6
    with transaction.atomic():
        base = factories.BaseFactory()
        user = User.objects.create_user(
            username=f"bench-api-{time.time_ns()}", password="x", role=Role.INSTITUTION, institution=base.institution
        )
        secret = services.create_token(actor=user, base_id=base.pk, name="基准测试")[1]
        client, headers = Client(), {"Authorization": f"Bearer {secret}"}
        batches = [range(start, min(start + BATCH, ROWS)) for start in range(0, ROWS, BATCH)]
        classes = json.dumps({"items": [klass(k) for k in range(len(batches))]})
        answer = client.post("/api/v1/classes", classes, content_type="application/json", headers=headers).json()
        assert answer["created"] == len(batches), answer

        first_s, first, statements = push(client, headers, batches)
        again_s, again, _ = push(client, headers, batches)
        changed_s, changed, _ = push(client, headers, batches, hours=32)
        rate = ROWS / first_s
        print(f"rows: {ROWS} participants in {len(batches)} batches of up to {BATCH} ({connection.vendor})")
        ok = first["created"] == ROWS and first["rejected"] == 0
        print(f"{'PASS' if ok else 'FAIL'} all rows created: {first}")
        print(f"{'PASS' if rate >= TARGET else 'FAIL'} first push: {first_s:.1f} s, {rate:,.0f} rows/s "
              f"(target ≥ {TARGET} rows/s), at most {statements} SQL statements per batch")  # fmt: skip
        ok = again["unchanged"] == ROWS
        print(f"{'PASS' if ok else 'FAIL'} same batches again: {again_s:.1f} s, {ROWS / again_s:,.0f} rows/s, "
              f"{again['unchanged']} unchanged, nothing written")  # fmt: skip
        ok = changed["updated"] == ROWS
        print(f"{'PASS' if ok else 'FAIL'} every row changed: {changed_s:.1f} s, {ROWS / changed_s:,.0f} rows/s, "
              f"{changed['updated']} updated")  # fmt: skip
        transaction.set_rollback(True)  # leave the database as it was


if __name__ == "__main__":
    main()
