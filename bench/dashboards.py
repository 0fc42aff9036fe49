"""The dashboard (/reports/) at 1× and 10×: p50 and p95 server time and the SQL query count, for the province and
for a recommender (a city's HR bureau and, if the data has one, a provincial department), in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench .venv/bin/python bench/dashboards.py [N]
    .venv/bin/python bench/dashboards.py --db1 URL --db10 URL [--requests N] [--rounds R]

The first form measures the database of DATABASE_URL. The second measures two databases taking turns, R rounds of
N requests each (the machine is shared: figures are compared as ratios taken side by side), and prints each
10× figure against its 1× one with the issue's target (p50 at 10× ≤ 1.3 × p50 at 1×, the same query count).

`measure(n)` is the function for a unified bench command: it needs Django set up against the database to measure,
and returns {label: {"p50": ms, "p95": ms, "queries": n}}, per viewer: the page, the figures as a page reads them
(from the cache after the first read), and the figures counted afresh (a cache miss, after any write).
"""

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PAGE_RATIO = 1.3


def _percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def viewers():
    """(label, user) of each kind of viewer of the dashboard present in the data."""
    from accounts.models import Region, Role, User

    active = User.objects.filter(is_active=True).order_by("id")
    found = [("province", active.filter(role=Role.PROVINCE).first())]
    fuzhou = Region.objects.filter(code="350100").first()
    found.append(("recommender (city)", active.filter(role=Role.RECOMMENDER, region=fuzhou).first()))
    found.append(("recommender (department)", active.filter(role=Role.RECOMMENDER, department__isnull=False).first()))
    return [(label, user) for label, user in found if user is not None]


def _time(call, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm: the session, the content types and the regions are cached by the second request
    timings, queries = [], None
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return {"p50": statistics.median(timings), "p95": _percentile(timings, 95), "queries": queries}


def measure(n=40):
    """Each viewer's dashboard page and the selector behind it, n times each, in this process's database."""
    from _setup import signed_in
    from django.conf import settings
    from django.utils import timezone

    from reports import selectors

    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.WARNING)
    figures = {}
    for label, user in viewers():
        client = signed_in(user)

        def page(client=client, label=label):
            response = client.get("/reports/")
            if response.status_code != 200:
                raise SystemExit(f"/reports/ answered {response.status_code} to the {label}")

        figures[f"{label}: page"] = _time(page, n)
        figures[f"{label}: figures"] = _time(lambda user=user: selectors.dashboard(user, timezone.localdate()), n)
        # a miss: the first read after a write that renewed the generation counts every figure afresh
        figures[f"{label}: figures, counted"] = _time(
            lambda user=user: selectors.count_dashboard(user, timezone.localdate()), n
        )
    return figures


def _worker(n):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "True")
    os.environ.setdefault("AXES_ENABLED", "False")
    from _setup import django_setup

    django_setup()
    print(json.dumps(measure(n)))


def _run(url, n):
    env = dict(os.environ, DATABASE_URL=url)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(n)], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(db1, db10, n=40, rounds=2):
    """Both databases measured taking turns; returns {label: (1× figures, 10× figures, passed)}."""
    runs = {1: [], 10: []}
    for _ in range(rounds):
        runs[1].append(_run(db1, n))
        runs[10].append(_run(db10, n))
    merged = {}
    for scale, results in runs.items():
        for label in results[0]:
            merged.setdefault(label, {})[scale] = {
                "p50": statistics.median(r[label]["p50"] for r in results),
                "p95": statistics.median(r[label]["p95"] for r in results),
                "queries": results[-1][label]["queries"],
            }
    return {
        label: (
            s[1],
            s[10],
            s[10]["p50"] <= PAGE_RATIO * s[1]["p50"] and s[10]["queries"] == s[1]["queries"],
        )
        for label, s in merged.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", nargs="?", type=int, default=40)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db1")
    parser.add_argument("--db10")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.worker:
        return _worker(args.requests)
    if not (args.db1 and args.db10):
        figures = _run(os.environ["DATABASE_URL"], args.requests)
        print(f"{'':<36}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}   ({args.requests} requests each)")
        for label, f in figures.items():
            print(f"{label:<36}{f['p50']:>9.1f}{f['p95']:>9.1f}{f['queries']:>9}")
        return None
    print(f"{'':<36}{'1× p50':>8}{'p95':>8}{'q':>4}{'10× p50':>9}{'p95':>8}{'q':>4}{'ratio':>7}")
    for label, (one, ten, passed) in compare(args.db1, args.db10, args.requests, args.rounds).items():
        print(
            f"{label:<36}{one['p50']:>8.1f}{one['p95']:>8.1f}{one['queries']:>4}"
            f"{ten['p50']:>9.1f}{ten['p95']:>8.1f}{ten['queries']:>4}{ten['p50'] / one['p50']:>7.2f}  "
            f"{'PASS' if passed else 'FAIL'} (target p50 ≤ {PAGE_RATIO}×, same queries)"
        )
    return None


if __name__ == "__main__":
    main()
