"""The daily scheduled jobs over all bases: time and SQL query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/jobs.py

Each job runs inside a transaction that is rolled back, so the data stays as seeded and runs repeat.
"""

import time
from datetime import date

from _setup import django_setup

django_setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bases.models import Base  # noqa: E402
from core import jobs  # noqa: E402


class Rollback(Exception):
    pass


def run(name, day):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = jobs.get(name).function(today=day)
                raise Rollback
        except Rollback:
            pass
        elapsed = time.perf_counter() - started
    return elapsed, len(ctx.captured_queries), result


def main():
    year = date.today().year
    print(f"bases: {Base.objects.count()} (live: {Base.objects.live().count()})")
    print(f"{'job':<28}{'day':<12}{'seconds':>9}{'queries':>9}  result")
    for name, day in [
        ("annual-filing-reminders", date(year, 12, 1)),
        ("annual-filing-overdue", date(year + 1, 1, 1)),
        ("inspection-clock", date(year, 12, 1)),
        ("rectification-deadlines", date(year, 12, 1)),
    ]:
        elapsed, queries, result = run(name, day)
        print(f"{name:<28}{day.isoformat():<12}{elapsed:>9.2f}{queries:>9}  {result}")


if __name__ == "__main__":
    main()
