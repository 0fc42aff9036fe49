"""Issue 20's benchmark in one command: every page at 1× and 10×, throughput and blocking at 10×, exports.

    .venv/bin/python bench/run.py --seed                       # (re)create and seed jxjy_bench1 and jxjy_bench10
    .venv/bin/python bench/run.py                              # measure the two databases as they are
    .venv/bin/python bench/run.py --db1 URL --db10 URL --requests 60 --seconds 15

PostgreSQL at 127.0.0.1 (user postgres) and Redis (REDIS_URL, default redis://127.0.0.1:6379/14) are needed, and
wrk (Debian's package) for the throughput figures. Every figure is printed with its target and PASS or FAIL; the
comparisons are ratios of figures taken side by side in this one run, since the machine is shared.

The parts, each a function of this file:
- seed: `seed_scale --scale 1` and `--scale 10` into fresh databases, time and peak memory (target: 10× ≤ 5 min).
- pages: each page of each role, in-process through Django's test client, never from the public page cache, p50 of
  N requests and the SQL query count, at 1× and at 10× (target: p50 at 10× ≤ 1.3 × p50 at 1×, same count).
- throughput: gunicorn as in production (config/gunicorn.py, DEBUG off) at 10× under wrk: logged-in province pages
  against /healthz with 16 sessions (≥ 10 %), the cached and uncached public register against the same HTML as a
  static file (≥ 60 %, ≥ 10 %), each ratio the median of seven alternating short pairs (`side_by_side`); and
  /healthz p99 while 16 sessions load the dashboard (< 100 ms).
- exports: bench/exports.py (the request that queues a large export, and the worker's flat memory).
"""

import argparse
import base64
import hashlib
import json
import logging
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/"
PORT = int(os.environ.get("BENCH_PORT", 8770))  # another port lets two runs side by side
SERVER_LOG = Path(tempfile.gettempdir()) / f"bench-gunicorn-{PORT}.log"  # the server's errors, kept after the run
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(BENCH))  # bench/_setup.py and the scripts this one runs
SESSIONS = 16
PAGE_RATIO = 1.3
SEED_LIMIT_S = 300
# DEBUG off serves static files through the manifest: collected once per run into a directory of its own.
STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static-")

results: list[tuple[str, str, str, bool]] = []  # (figure, measured, target, passed)


def record(figure, measured, target, passed):
    results.append((figure, measured, target, passed))
    print(f"  {'PASS' if passed else 'FAIL'}  {figure}: {measured} (target {target})", flush=True)


def production_env(database_url, **extra):
    """The environment of a server run as in production (DEBUG off), on loopback over plain HTTP."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        DEBUG="False",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_HSTS_SECONDS="0",
        AXES_ENABLED="False",
        RATE_LIMIT_OPEN_DATA="1000000000",
        RATE_LIMIT_VERIFY="1000000000",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        STATIC_ROOT=STATIC_ROOT,
        # Keys of the bench's own (its trainees' identity numbers are made up): production settings require them.
        PII_KEYS=base64.urlsafe_b64encode(hashlib.sha256(b"jxjy-bench-pii-encryption").digest()).decode(),
        PII_HASH_KEY=base64.urlsafe_b64encode(hashlib.sha256(b"jxjy-bench-pii-fingerprint").digest()).decode(),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


# ---------------------------------------------------------------- seed


def seed(urls):
    print("\n== seed_scale ==", flush=True)
    for scale, url in urls.items():
        name = url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        env = production_env(url)
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        subprocess.run([PYTHON, "manage.py", "seed_scale", "--scale", str(scale)], cwd=ROOT, env=env, check=True)
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        memory = f"peak RSS {peak / 1024:.0f} MiB" if peak > before else "peak RSS not above migrate's"
        if scale == 10:
            record(
                "seed_scale --scale 10", f"{seconds:.0f} s, {memory}", f"≤ {SEED_LIMIT_S} s", seconds <= SEED_LIMIT_S
            )
        else:
            print(f"  seed_scale --scale {scale}: {seconds:.0f} s, {memory}", flush=True)


# ---------------------------------------------------------------- pages (runs inside Django, one database)


def page_worker():
    """Serve measurements of this process's database: read "index count" lines, answer each with one JSON line
    [timings in ms, query count of the last request]. The first line printed lists the pages' labels."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bases.models import Base

    logging.disable(logging.WARNING)  # the access log of every request would drown the figures
    pages = bench_pages(Client, Base)
    print(json.dumps([label for label, _client, _url in pages]), flush=True)
    for line in sys.stdin:
        index, count = (int(part) for part in line.split())
        label, client, url = pages[index]
        timings, queries = [], None
        for _ in range(count):
            if getattr(client, "visitor", False):
                # A visitor with a session cookie: never served from the page cache, so every request renders
                # (the reference lists and counts stay kept between changes, as in production).
                client.cookies[settings.SESSION_COOKIE_NAME] = "bench-never-cached"
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    for _ in response.streaming_content:
                        pass
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label}: {url} answered {response.status_code}")
            queries = len(ctx.captured_queries)  # the last request's: the caches are warm by then
        print(json.dumps([timings, queries]), flush=True)


def bench_module(name):
    """A script of bench/ imported as a module (bench/public.py under another name than the app `public`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_pages(Client, Base):
    """Every page of every role: the public ones (bench/public.py), the queues, homes, bases lists and inbox with
    their deep pages (bench/queues.py), and the dashboards of the province and a recommender."""
    from _setup import signed_in

    from accounts.models import Region, Role, User

    anonymous = Client()
    anonymous.visitor = True
    public, _ = bench_module("public").register_pages(anonymous)
    logged_in = bench_module("queues").pages()
    province = signed_in(User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("id").first())
    fuzhou = Region.objects.get(code="350100")
    recommender = signed_in(
        User.objects.filter(role=Role.RECOMMENDER, region=fuzhou, is_active=True).order_by("id").first()
    )
    return [
        *((label, anonymous, url) for label, url in public.items() if not label.startswith("(")),
        *logged_in,
        ("province: dashboard", province, "/reports/"),
        ("recommender: dashboard", recommender, "/reports/"),
    ]


def redis_for(scale):
    """A Redis database of its own for each scale, emptied first: the caches of one database's pages (the public
    reference lists, the dashboard's figures) must not answer for the other's, nor survive a new seed."""
    import redis

    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14").rsplit("/", 1)[0]
    url = f"{base}/{14 if scale == 1 else 15}"
    redis.Redis.from_url(url).flushdb()
    return url


class PageWorker:
    """A process measuring pages in one database, asked page by page (so 1× and 10× can take turns)."""

    def __init__(self, url, scale):
        self.process = subprocess.Popen(
            [PYTHON, str(Path(__file__)), "--worker", "pages"],
            cwd=ROOT,
            # the rendering is measured: signed-in pages are not served again from the cache (core/pagecache.py)
            env=production_env(url, REDIS_URL=redis_for(scale), SIGNED_IN_PAGE_CACHE="False"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.labels = self.answer()

    def answer(self):
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"the page worker stopped (exit {self.process.wait()})")
        return json.loads(line)

    def measure(self, index, count):
        self.process.stdin.write(f"{index} {count}\n")
        self.process.stdin.flush()
        return self.answer()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def pages(urls, n, rounds=4):
    print(f"\n== pages: p50 of {n} requests in-process, rendered every time, 1× and 10× taking turns ==", flush=True)
    workers = {scale: PageWorker(url, scale) for scale, url in urls.items()}
    labels = workers[1].labels
    timings = {(scale, label): [] for scale in urls for label in labels}
    queries = {}
    for round_ in range(rounds):
        for index, label in enumerate(labels):
            order = (1, 10) if (round_ + index) % 2 == 0 else (10, 1)
            for scale in order:
                found, count = workers[scale].measure(index, max(1, n // rounds))
                timings[(scale, label)] += found
                queries[(scale, label)] = count
    for worker in workers.values():
        worker.close()
    print(f"  {'page':<32}{'1× ms':>8}{'10× ms':>9}{'ratio':>7}{'queries 1×/10×':>16}")
    for label in labels:
        p50_1, p50_10 = statistics.median(timings[(1, label)]), statistics.median(timings[(10, label)])
        q1, q10 = queries[(1, label)], queries[(10, label)]
        ratio = p50_10 / p50_1
        print(f"  {label:<32}{p50_1:>8.1f}{p50_10:>9.1f}{ratio:>7.2f}{f'{q1}/{q10}':>16}")
        record(
            f"{label}: 10×/1× p50, queries",
            f"{ratio:.2f} ({p50_1:.1f} → {p50_10:.1f} ms), {q1}/{q10}",
            f"≤ {PAGE_RATIO}, equal",
            ratio <= PAGE_RATIO and q1 == q10,
        )


# ---------------------------------------------------------------- throughput (gunicorn at 10×)


def session_worker():
    """Create the signed-in sessions and the static copy of the register; print them as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.test import Client
    from django.utils.crypto import get_random_string
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.models import Role, User

    # The backend a password sign-in records (axes' backend, first in the list, only guards the attempt).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if "axes" not in path)

    def sessions(user):
        """The Cookie headers of SESSIONS browsers signed in as `user`, each with its CSRF cookie (set by the
        sign-in page, as in a browser)."""
        keys = []
        for _ in range(SESSIONS):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if user.two_factor_required:
                store[DEVICE_ID_SESSION_KEY] = "bench.second-step"
            store.create()
            keys.append(
                f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
            )
        return keys

    province = User.objects.filter(role=Role.PROVINCE, is_active=True).order_by("id").first()
    recommender = User.objects.filter(role=Role.RECOMMENDER, region__code="350100", is_active=True).order_by("id")
    settings.PUBLIC_PAGE_CACHE = False
    html = Client().get("/public/bases/").content
    static = Path(settings.STATIC_ROOT) / "bench" / "register.html"
    static.parent.mkdir(parents=True, exist_ok=True)
    static.write_bytes(html)
    print(
        json.dumps(
            {
                "province": sessions(province),
                "recommender": sessions(recommender.first()),
                "static": "/static/bench/register.html",
            }
        )
    )


LUA = """
local cookies = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[(n %% #cookies) + 1]})
end
"""


def wrk(url, seconds, connections=SESSIONS, cookies=None, warm_up=3):
    """Requests per second and errors of `connections` sessions on `url` for `seconds`, after `warm_up` seconds of
    the same load unmeasured (the server's second process may still be starting, the caches filling)."""
    if warm_up:
        wrk(url, warm_up, connections, cookies, warm_up=0)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    script = None
    if cookies:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(LUA % ", ".join(f'"{c}"' for c in cookies))
        script.close()
        command += ["-s", script.name]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if script:
        os.unlink(script.name)
    import re

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses:\s+(\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        if m := re.search(pattern, out):
            errors += sum(int(g) for g in m.groups())
    return rps, errors


def side_by_side(page, reference, seconds, cookies=None, rounds=7):
    """The page's requests per second as a share of the reference's (the static file, /healthz), measured in `rounds`
    alternating pairs of `seconds / rounds` each, and the median share. A shared machine's speed drifts by a factor
    of two or more within a minute (the static file alone measured 1,000-3,900 req/s in one afternoon), so one long
    measurement of each, taken one after the other, compares two different machines; adjacent short pairs compare
    the same one. `cookies`: the page's sessions. Returns the median share, the pairs as text ("page/reference
    req/s"), and the page's errors over all rounds."""
    each = max(3, seconds // rounds)
    wrk(reference, 3, warm_up=0)  # both warmed once: workers started, caches and kept values filled
    wrk(page, 3, cookies=cookies, warm_up=0)
    shares, pairs, errors = [], [], 0
    for _ in range(rounds):
        reference_rps, _ = wrk(reference, each, warm_up=0)
        page_rps, page_errors = wrk(page, each, cookies=cookies, warm_up=0)
        errors += page_errors
        shares.append(page_rps / reference_rps)
        pairs.append(f"{page_rps:.0f}/{reference_rps:.0f}")
    return statistics.median(shares), ", ".join(pairs) + " req/s", errors


class Server:
    def __init__(self, env):
        self.env = env

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WEB_WORKERS": "2"},
            stdout=subprocess.DEVNULL,
            stderr=open(SERVER_LOG, "a"),  # noqa: SIM115 - the server's life long
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.process.kill()
        sys.exit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=40)


def probe_latencies(stop, out, url):
    """One request at a time to `url`, as a load balancer's probe does, until `stop` is set."""
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
            out.append((time.perf_counter() - started) * 1000)
        except OSError:
            out.append(10_000.0)
        time.sleep(0.02)


def throughput(url, seconds):
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    print(
        f"\n== throughput at 10×: gunicorn (config/gunicorn.py, 2 processes), wrk {SESSIONS} connections, {seconds} s =="
    )
    env = production_env(url, BENCH_SECRET_KEY=secrets.token_urlsafe(50), REDIS_URL=redis_for(10))
    env["SECRET_KEY"] = env["BENCH_SECRET_KEY"]  # the sessions are signed for the server with the same key
    made = subprocess.run(
        [PYTHON, str(Path(__file__)), "--worker", "sessions"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if made.returncode:
        sys.exit(made.stderr[-3000:])
    s = json.loads(made.stdout.strip().splitlines()[-1])
    base = f"http://127.0.0.1:{PORT}"
    with Server(env):
        for path in ("/healthz", "/public/bases/", s["static"]):
            urllib.request.urlopen(base + path).read()
        for path in ("/applications/queue/province/", "/reports/", "/"):  # signed in, second step passed
            check = urllib.request.Request(base + path, headers={"Cookie": s["province"][0]})
            with urllib.request.urlopen(check) as response:
                if response.status != 200 or response.url != base + path:
                    sys.exit(f"{path} answered {response.status} at {response.url} to a bench session")
        for label, path in (("queue", "/applications/queue/province/"), ("dashboard", "/reports/"), ("home", "/")):
            share, pairs, errors = side_by_side(base + path, base + "/healthz", seconds, cookies=s["province"])
            record(
                f"province {label}, {SESSIONS} sessions / /healthz",
                f"{share:.1%} (median of {pairs}, {errors} errors)",
                "≥ 10 %",
                share >= 0.10 and errors == 0,
            )
        share, pairs, errors = side_by_side(base + "/public/bases/", base + s["static"], seconds)
        record(
            "cached public register / the same HTML as a static file",
            f"{share:.1%} (median of {pairs}, {errors} errors)",
            "≥ 60 %",
            share >= 0.60 and errors == 0,
        )
        stop, latencies = threading.Event(), []
        probe = threading.Thread(target=probe_latencies, args=(stop, latencies, base + "/healthz"))
        probe.start()
        rps, errors = wrk(base + "/reports/", seconds, cookies=s["province"])
        stop.set()
        probe.join()
        p99 = sorted(latencies)[int(0.99 * (len(latencies) - 1))]
        record(
            f"/healthz p99 while {SESSIONS} sessions load the dashboard",
            f"{p99:.0f} ms ({len(latencies)} probes, p50 {statistics.median(latencies):.0f} ms; dashboard {rps:.1f} req/s)",
            "< 100 ms",
            p99 < 100,
        )
    with Server({**env, "PUBLIC_PAGE_CACHE": "False"}):
        urllib.request.urlopen(base + "/public/bases/").read()
        share, pairs, errors = side_by_side(base + "/public/bases/", base + s["static"], seconds)
        record(
            "uncached public register / the same HTML as a static file",
            f"{share:.1%} (median of {pairs}, {errors} errors)",
            "≥ 10 %",
            share >= 0.10 and errors == 0,
        )


# ---------------------------------------------------------------- main


def exports(url):
    print("\n== exports at 10× ==", flush=True)
    out = subprocess.run(
        [PYTHON, str(BENCH / "exports.py"), "--json"], cwd=ROOT, env=production_env(url), capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(f"exports: {out.stderr[-3000:]}")
    for figure, measured, target, passed in json.loads(out.stdout.strip().splitlines()[-1]):
        record(figure, measured, target, passed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", action="store_true", help="drop, create and seed both databases first")
    parser.add_argument("--db1", default=PG + "jxjy_bench1")
    parser.add_argument("--db10", default=PG + "jxjy_bench10")
    parser.add_argument("--requests", type=int, default=60, help="requests per page (default 60)")
    parser.add_argument("--seconds", type=int, default=15, help="seconds per throughput figure (default 15)")
    parser.add_argument("--only", default="pages,throughput,exports", help="comma-separated parts to run")
    parser.add_argument("--worker", choices=["pages", "sessions"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "pages":
        return page_worker()
    if args.worker == "sessions":
        return session_worker()
    urls = {1: args.db1, 10: args.db10}
    parts = set(args.only.split(","))
    print(
        f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; {os.cpu_count()} cores"
    )
    if args.seed:
        seed(urls)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=production_env(urls[1]), check=True
    )
    if "pages" in parts:
        pages(urls, args.requests)
    if "throughput" in parts:
        throughput(urls[10], args.seconds)
    if "exports" in parts and (BENCH / "exports.py").exists():
        exports(urls[10])
    print(f"\nload average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    failed = [r for r in results if not r[3]]
    print(
        f"{len(results) - len(failed)} of {len(results)} targets PASS"
        + (f"; FAIL: {', '.join(r[0] for r in failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
