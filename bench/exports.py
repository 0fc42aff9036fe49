"""Issue 20, target 3: the request that queues a large export, and the worker that builds it with flat memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_exports10 .venv/bin/python bench/exports.py [--json]

Against a seeded database (`seed_scale`; 10× for the figures of the issue):
- the web request that queues the province's application list as xlsx (every application): p50 and max of a few
  requests, target < 2 s (a COUNT and an INSERT instead of the whole workbook);
- the task that builds it (`core.exports.build`, run in this process as a worker would), for the list filtered to
  the city with most applications (about a tenth of the rows) and for the whole list (the province's default
  states: about 3,000 rows at 1×, 30,000 at 10×): total time, and peak Python memory (tracemalloc, a run of its
  own) — flat when the peak for ten times the rows stays within 1.5× (the rows stream in chunks).

`run()` returns [(figure, measured, target, passed)] for bench/run.py; `--json` prints that list as the last line.
The jobs and files it makes are deleted at the end (the queued Celery messages then find no job and do nothing).
"""

import json
import statistics
import sys
import time
import tracemalloc

from _setup import django_setup, signed_in

django_setup()

from django.db.models import Count  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from applications.models import Application  # noqa: E402
from core import exports  # noqa: E402
from core.models import ExportJob  # noqa: E402

REQUEST_TARGET_S = 2.0
FLAT_TARGET = 1.5
REQUESTS = 5


def queue(client, query: str) -> tuple[float, ExportJob]:
    """Time one request that asks for the export; it must answer with the redirect to the job's page."""
    started = time.perf_counter()
    response = client.get(f"{reverse('applications:province_queue')}?{query}")
    elapsed = time.perf_counter() - started
    if response.status_code != 302 or "/exports/" not in response["Location"]:
        raise SystemExit(f"the export was not queued: {response.status_code} {response.get('Location', '')}")
    return elapsed, ExportJob.objects.latest("pk")


def build(job: ExportJob, *, traced: bool) -> tuple[float, int, int]:
    """Build `job` as the worker does: (seconds, rows, peak bytes traced or 0)."""
    ExportJob.objects.filter(pk=job.pk).update(phase=ExportJob.Phase.QUEUED, file="", rows_done=0)
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with override_settings(DEBUG=False):  # a worker keeps no log of its queries
        state = exports.build(job.pk)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    job.refresh_from_db()
    if state != ExportJob.Phase.DONE:
        raise SystemExit(f"export job {job.pk} ended {state}: {job.error}")
    return elapsed, job.rows_done, peak


def cleanup(pks: list[int]) -> None:
    for job in ExportJob.objects.filter(pk__in=pks):
        if job.file:
            job.file.storage.delete(job.file.name)
    ExportJob.objects.filter(pk__in=pks).delete()


def run() -> list[tuple[str, str, str, bool]]:
    province = User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("pk").first()
    if province is None:
        raise SystemExit("no province user in this database")
    # about a tenth of the rows: the city with the most applications
    city = (
        Application.objects.exclude(institution__region=None)
        .values("institution__region")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["institution__region"]
    )
    client = signed_in(province)
    made: list[int] = []
    results = []
    try:
        client.get(reverse("applications:province_queue"))  # warm: a worker has served pages before
        with override_settings(EXPORT_BACKGROUND_THRESHOLD=2000):
            times = []
            for _ in range(REQUESTS):
                elapsed, job = queue(client, "export=xlsx")
                times.append(elapsed)
                made.append(job.pk)
        with override_settings(EXPORT_BACKGROUND_THRESHOLD=0):  # a city's share may be under the threshold
            _, small = queue(client, f"region={city}&export=xlsx")
            made.append(small.pk)
        large = ExportJob.objects.get(pk=made[0])
        worst = max(times)
        results.append(
            (
                f"request queueing the province application xlsx ({large.rows_total} rows), max of {REQUESTS}",
                f"{worst * 1000:.0f} ms (p50 {statistics.median(times) * 1000:.0f} ms)",
                f"< {REQUEST_TARGET_S:.0f} s",
                worst < REQUEST_TARGET_S,
            )
        )
        figures = {}
        for label, job in (("small", small), ("large", large)):
            seconds, rows, _ = build(job, traced=False)
            _, _, peak = build(job, traced=True)
            figures[label] = (seconds, rows, peak)
        (s_sec, s_rows, s_peak), (l_sec, l_rows, l_peak) = figures["small"], figures["large"]
        for label, (sec, rows, peak) in figures.items():
            results.append(
                (
                    f"export task, xlsx of {rows} rows ({label})",
                    f"{sec:.1f} s, {sec / max(rows, 1) * 1e6:.0f} µs/row, peak {peak / 2**20:.1f} MiB",
                    "in a worker, not a request",
                    True,
                )
            )
        per_row = (l_sec / max(l_rows, 1)) / (s_sec / max(s_rows, 1))
        results.append(
            (
                "export task time per row, large / small",
                f"{per_row:.2f}×",
                "linear in the rows (informational)",
                True,
            )
        )
        ratio = l_peak / s_peak if s_peak else float("inf")
        results.append(
            (
                f"export task peak memory, {l_rows} rows / {s_rows} rows ({l_rows / max(s_rows, 1):.1f}× the rows)",
                f"{ratio:.2f}× ({l_peak / 2**20:.1f} / {s_peak / 2**20:.1f} MiB)",
                f"≤ {FLAT_TARGET}× (flat)",
                ratio <= FLAT_TARGET,
            )
        )
    finally:
        cleanup(made)
    return results


def main():
    results = run()
    for figure, measured, target, passed in results:
        print(f"  {'PASS' if passed else 'FAIL'}  {figure}: {measured} (target {target})", flush=True)
    if "--json" in sys.argv:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
