"""Per-page server time (median and p95 of N requests) and SQL query count at provincial scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/pages.py [N]

Runs in-process through Django's test client (no network), with the public page cache off so every
request does the real work; the throughput benchmark measures the cached path.
"""

import statistics
import sys
import time
import tracemalloc

from _setup import django_setup, percentile

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from accounts.models import Region, Role, User  # noqa: E402
from bases.models import Base  # noqa: E402

settings.PUBLIC_PAGE_CACHE = False
settings.ALLOWED_HOSTS = ["*"]
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def measure(client, url):
    timings, queries = [], None
    for _ in range(N):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(ctx.captured_queries)  # the last request's: caches (session, regions) are warm by then
    return statistics.median(timings), percentile(timings, 95), queries


def csv_memory(client, url):
    tracemalloc.start()
    response = client.get(url)
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, peak


def main():
    anonymous = Client()
    province = Client()
    province.force_login(User.objects.filter(role=Role.PROVINCE).first())
    session = province.session  # the province passes the second step (issue 19 (8)), as tests/conftest.py does
    session[DEVICE_ID_SESSION_KEY] = "bench"
    session.save()
    fuzhou = Region.objects.get(code="350100")
    recommender = Client()
    recommender.force_login(User.objects.filter(role=Role.RECOMMENDER, region=fuzhou).first())
    base = Base.objects.published().filter(name__startswith="规模测试").order_by("id").first()
    pages = [
        ("register: first page", anonymous, "/public/bases/"),
        ("register: filtered", anonymous, f"/public/bases/?region={fuzhou.pk}&institution_type=university&q=规模"),
        ("register: page 40", anonymous, "/public/bases/?status=all&page=40"),
        ("base public page", anonymous, f"/public/bases/{base.pk}/"),
        ("province queue", province, "/applications/queue/province/"),
        ("recommender queue", recommender, "/applications/queue/recommender/"),
        ("dashboard", province, "/reports/"),
        ("register CSV (all)", anonymous, "/public/open-data/bases.csv?status=all"),
    ]
    settings.RATE_LIMITS = {"open_data": 10**9, "verify": 10**9}
    print(f"{'page':<24}{'median ms':>10}{'p95 ms':>10}{'queries':>9}   ({N} requests each)")
    for name, client, url in pages:
        median, p95, queries = measure(client, url)
        print(f"{name:<24}{median:>10.1f}{p95:>10.1f}{queries:>9}")
    # Constant memory: the peak does not grow with the number of rows exported.
    for size_note, url in (
        ("one city", f"/public/open-data/bases.csv?status=all&region={fuzhou.pk}"),
        ("in the register", "/public/open-data/bases.csv"),
        ("all", "/public/open-data/bases.csv?status=all"),
    ):
        rows, peak = csv_memory(anonymous, url)
        print(f"register CSV ({size_note}): {rows} rows, peak Python memory {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
