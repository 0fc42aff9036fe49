"""Shared start-up for the benchmark scripts: Django settings from the environment, seeded data present."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "True")  # the benchmarks run on a developer's machine, as `make run` does
os.environ.setdefault("AXES_ENABLED", "False")


def django_setup():
    import django

    django.setup()
    from accounts.models import Institution

    if not Institution.objects.filter(name__startswith="规模测试").exists():
        sys.exit("No scale data: run `python manage.py seed_scale` against this DATABASE_URL first.")


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def signed_in(user):
    """A test client signed in as `user`, its session past the second step (issue 19 (8)) as a real one would be."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if user.two_factor_required:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = "bench.second-step"
        session.save()
    return client
