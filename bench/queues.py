"""The queues, homes, bases lists and inbox (issue 20, target 1): p50/p95 of N requests in-process and the
SQL query count of each page, first pages and deep (keyset) pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_queues10 .venv/bin/python bench/queues.py [N]

Run it against the 1× and the 10× database and compare the ratios (bench/run.py takes turns between the two).
`pages()` lists (label, client, url) for this database; `measure(pages, n)` answers one row per page.
"""

import statistics
import sys
import time
from urllib.parse import urlencode

from _setup import django_setup, percentile, signed_in

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Region, Role, User  # noqa: E402
from applications import selectors as application_selectors  # noqa: E402
from applications.models import State  # noqa: E402
from bases import selectors as base_selectors  # noqa: E402
from bases.models import Base  # noqa: E402
from core.seek import SeekPaginator  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
DEEP = 0.9  # a deep page starts 90% of the way down its list
PAGE = 20


def deep(path, queryset, order, **filters):
    """The URL of the page that starts 90% of the way down `queryset`, as its 下一页 link would read; on a list too
    short for a full page there, the last full page, so that 1× and 10× render as many rows (the 85 bases of a
    city's recommender at 1× would leave 8 rows after 90%, against 20 at 10×)."""
    total = queryset.count()
    start = max(0, min(int(total * DEEP), total - PAGE - 1))
    row = queryset[start] if total else None
    cursor = SeekPaginator(queryset, PAGE, order).cursor(row) if row is not None else ""
    return f"{path}?{urlencode({**filters, 'page': start // PAGE + 1, 'after': cursor})}"


def pages():
    province_user = User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("id").first()
    fuzhou = Region.objects.get(code="350100")
    recommender_user = User.objects.filter(role=Role.RECOMMENDER, region=fuzhou, is_active=True).order_by("id").first()
    base = Base.objects.published().filter(name__startswith="规模测试").order_by("id").first()
    institution_user = User.objects.filter(role=Role.INSTITUTION, institution=base.institution).first()
    province, recommender, institution = (
        signed_in(province_user),
        signed_in(recommender_user),
        signed_in(institution_user),
    )
    queue_order = application_selectors.QUEUE_ORDER
    no_filters = application_selectors.QueueFilters()
    province_queue = application_selectors.province_queue(province_user, no_filters)
    reviewing = application_selectors.province_queue(
        province_user, application_selectors.QueueFilters(state="under_review")
    )
    recommender_queue = application_selectors.recommender_queue(recommender_user, no_filters)
    order = base_selectors.BASE_LIST_ORDER
    p = "/applications/queue/province/"
    r = "/applications/queue/recommender/"
    return [
        ("province: home", province, "/"),
        ("province: queue", province, p),
        ("province: queue, deep page", province, deep(p, province_queue, queue_order)),
        ("province: queue, one state", province, f"{p}?state={State.UNDER_REVIEW}"),
        ("province: queue, one state, deep", province, deep(p, reviewing, queue_order, state=State.UNDER_REVIEW)),
        ("province: queue, priority only", province, f"{p}?priority=on"),
        ("province: queue, one city", province, f"{p}?region={fuzhou.pk}"),
        ("province: bases", province, "/bases/all/"),
        ("province: bases, deep page", province, deep("/bases/all/", base_selectors.bases_for(province_user), order)),
        ("province: inbox", province, "/inbox/"),
        ("recommender: home", recommender, "/"),
        ("recommender: queue", recommender, r),
        ("recommender: queue, deep page", recommender, deep(r, recommender_queue, queue_order)),
        ("recommender: bases", recommender, "/bases/recommended/"),
        (
            "recommender: bases, deep page",
            recommender,
            deep("/bases/recommended/", base_selectors.bases_for(recommender_user), order),
        ),
        ("recommender: inbox", recommender, "/inbox/"),
        ("institution: home", institution, "/"),
    ]


def measure(pages, n=50):
    """[(label, p50 ms, p95 ms, queries of the last request, p50 of the SQL time in ms)]; the first request of
    each page warms the caches. The SQL time (as the connection saw it) moves less with the machine's load."""
    results = []
    for label, client, url in pages:
        client.get(url)
        timings, sql, queries = [], [], None
        for _ in range(n):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label}: {url} answered {response.status_code}")
            queries = len(ctx.captured_queries)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        results.append((label, statistics.median(timings), percentile(timings, 95), queries, statistics.median(sql)))
    return results


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    name = connection.settings_dict["NAME"]
    print(f"{'page':<36}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL ms':>9}   ({n} requests each, {name})")
    for label, p50, p95, queries, sql in measure(pages(), n):
        print(f"{label:<36}{p50:>9.1f}{p95:>9.1f}{queries:>9}{sql:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
