"""Throughput under concurrency: gunicorn (2 workers) on loopback, 32 connections for 30 s each,
against the public register and a minimal Django view (/healthz) through the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jxjy_bench REDIS_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/throughput.py [seconds]

Uses wrk (Debian's package `wrk`) as the load generator. Prints requests/s of both, their ratio,
p50/p99 latency and the error count. The server runs production settings (DEBUG off).
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
CONNECTIONS = 32


def server_env():
    env = dict(os.environ)
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        AXES_ENABLED="False",
        RATE_LIMIT_OPEN_DATA="1000000",
        RATE_LIMIT_VERIFY="1000000",
        LOG_LEVEL="WARNING",
    )
    if "DATABASE_URL" not in env or "REDIS_URL" not in env:
        sys.exit("Set DATABASE_URL (seeded with seed_scale) and REDIS_URL.")
    return env


def wait_until_up(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"server did not answer {url}")


def wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses:\s+(\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        m = re.search(pattern, out)
        if m:
            errors += sum(int(g) for g in m.groups())
    return rps, latency(50), latency(99), errors


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    env = server_env()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_until_up(f"{base}/healthz")
        results = {}
        for name, path in (("minimal view (/healthz)", "/healthz"), ("public register", "/public/bases/")):
            urllib.request.urlopen(base + path).read()  # warm the cache and the connection pool
            results[name] = wrk(base + path)
        print(
            f"{'endpoint':<26}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   "
            f"({CONNECTIONS} connections, {SECONDS} s, gunicorn -w 2)"
        )
        for name, (rps, p50, p99, errors) in results.items():
            print(f"{name:<26}{rps:>10.0f}{p50:>9.2f}{p99:>9.2f}{errors:>8}")
        ratio = results["public register"][0] / results["minimal view (/healthz)"][0]
        print(f"register / minimal view throughput ratio: {ratio:.0%}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
