"""The training records pages at 3 million participants (issue 17, Scale and speed): every records page and a
trainee's learning record answer with a fixed number of SQL queries and in under 100 ms. Prints PASS/FAIL per
figure.

    SMALL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench_small \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/records.py [N]

DATABASE_URL holds `seed_scale --participants 3000000`, SMALL_DATABASE_URL the default `seed_scale` (20,000):
the script counts each page's queries on the small data in a child process and compares them with the large
data's ("fixed": equal). Times are the median of N requests (default 50) through Django's test client,
in-process as bench/run.py measures, with the query count of a steady-state request (caches warm).
"""

import json
import os
import statistics
import subprocess
import sys
import time

from _setup import django_setup, percentile

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Region, Role, User  # noqa: E402
from bases.models import Base  # noqa: E402
from core import pii  # noqa: E402
from training import selectors  # noqa: E402
from training.models import Participant, TrainingClass  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 50
LIMIT_MS = 100.0
LEARNING_RECORD_PAGE = "training:learning_record"  # a POST form with the ID number, the province's


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures() -> list[tuple[str, callable]]:
    """(name, request) per figure, chosen alike in any database seeded by seed_scale."""
    province = client_for(User.objects.filter(role=Role.PROVINCE).order_by("id").first())
    fuzhou = Region.objects.get(code="350100")
    recommender = client_for(User.objects.filter(role=Role.RECOMMENDER, region=fuzhou).order_by("id").first())
    busiest = (
        TrainingClass.objects.filter(base__name__startswith="规模测试")
        .values("base")
        .annotate(n=Count("id"))
        .order_by("-n", "base")
        .first()
    )
    base_id = busiest["base"]
    institution = client_for(
        User.objects.filter(institution__in=Base.objects.filter(pk=base_id).values("institution_id")).first()
    )
    klass = TrainingClass.objects.filter(base_id=base_id).order_by("id").first()
    trainee = Participant.objects.filter(training_class=klass).order_by("id").first()
    number = pii.unseal(trainee.id_number_sealed)
    year = timezone.localdate().year
    all_classes = reverse("training:all_classes")
    pages = [
        ("all classes: first page", province, all_classes),
        ("all classes: city+year+form", province, f"{all_classes}?region={fuzhou.pk}&year={year}&service_form=public_or_professional"),
        ("all classes: one base", province, f"{all_classes}?base={base_id}"),
        ("all classes: page 500", province, f"{all_classes}?page=500"),
        ("all classes: recommender", recommender, all_classes),
        ("base's classes (province)", province, reverse("training:base_classes", args=[base_id])),
        ("base's classes (itself)", institution, reverse("training:base_classes", args=[base_id])),
        ("class, 100 trainees (prov.)", province, reverse("training:class_detail", args=[klass.pk])),
        ("class, 100 trainees (base)", institution, reverse("training:class_detail", args=[klass.pk])),
        # the annual reports' 真实性核查 (Art. 20) counts the records of the 20 filings shown
        ("filing queue (records check)", province, reverse("bases:filing_queue")),
    ]  # fmt: skip
    found = [(name, lambda c=client, u=url: c.get(u)) for name, client, url in pages]
    # the page answers the POST with the record (and logs the look-up, PIPL); the selector alone beside it
    page = reverse(LEARNING_RECORD_PAGE)
    found.append(("learning record (selector)", lambda: list(selectors.learning_record(id_number=number))))
    found.append(("learning record", lambda: province.post(page, {"id_number": number, "reason": "基准测试"})))
    return found


def run(request):
    answer = request()
    if getattr(answer, "status_code", 200) != 200:
        raise SystemExit(f"answered {answer.status_code}")


def queries_of(request) -> int:
    for _ in range(3):  # warm: session, regions and the access registry cached as in steady state
        run(request)
    with CaptureQueriesContext(connection) as ctx:
        run(request)
    return len(ctx.captured_queries)


def timings_of(request) -> list[float]:
    timings = []
    for _ in range(N):
        started = time.perf_counter()
        run(request)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def small_counts() -> dict | None:
    small = os.environ.get("SMALL_DATABASE_URL")
    if not small:
        return None
    child = subprocess.run(
        [sys.executable, __file__, "--queries"],
        env=os.environ | {"DATABASE_URL": small},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main():
    if "--queries" in sys.argv:  # the child: query counts only, as one line of JSON
        print(json.dumps({name: queries_of(request) for name, request in figures()}))
        return
    participants = Participant.objects.count()
    print(f"{participants:,} participants, {TrainingClass.objects.count():,} classes; {N} requests per figure")
    small = small_counts()
    print(f"{'figure':<30}{'median ms':>10}{'p95 ms':>8}{'queries':>9}{'small':>7}")
    failed = 0
    for name, request in figures():
        queries = queries_of(request)
        timings = timings_of(request)
        median = statistics.median(timings)
        fast = median < LIMIT_MS
        fixed = small is None or small.get(name) == queries
        failed += (not fast) + (not fixed)
        print(
            f"{name:<30}{median:>10.1f}{percentile(timings, 95):>8.1f}{queries:>9}"
            f"{small.get(name, '—') if small else '—':>7}   "
            f"{'PASS' if fast else 'FAIL'} < {LIMIT_MS:.0f} ms, "
            f"{'PASS' if fixed else 'FAIL'} fixed queries{'' if small else ' (not compared: no SMALL_DATABASE_URL)'}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
