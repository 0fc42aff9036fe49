"""Fixtures for the fault tests: bases that owe their annual filing, a complete application ready to submit,
and threads released at one moment."""

import threading
import uuid
from datetime import date

import pytest
from django.db import connection
from django.forms import CheckboxInput
from django.utils import timezone

from applications.forms import ApplicationForm, person_initial
from tests import factories


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings):
    """Sessions of the signed-in clients live in the cache (Redis in CI): a prefix of this test's own, and its
    keys removed afterwards."""
    from tests.security.conftest import forget_keys

    prefix = f"faults-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}
    yield
    forget_keys(prefix)


def owing_base(**fields):
    """An active base recognised in 2025, of a fresh institution with two active staff accounts (and one
    inactive), that has not filed for 2026."""
    institution = factories.InstitutionFactory()
    staff = [factories.InstitutionUserFactory(institution=institution) for _ in range(2)]
    factories.InstitutionUserFactory(institution=institution, is_active=False)
    app = factories.ApplicationFactory(institution=institution, created_by=staff[0], state="approved")
    base = factories.BaseFactory(
        application=app,
        recognised_on=date(2025, 7, 1),
        year=2025,
        next_inspection_due=date(2028, 7, 1),
        published_at=timezone.now(),
        **fields,
    )
    base.staff = staff
    return base


@pytest.fixture
def owing_bases(db):
    return [owing_base() for _ in range(4)]


def race(*calls, timeout=30):
    """Run the calls in threads released at the same moment; returns (outcome, value) per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", fn())
        except Exception as error:  # noqa: BLE001 - the outcome is what the tests assert on
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert all(not t.is_alive() for t in threads), "a thread hung (a lock never released?)"
    return results


def submit_post(app) -> dict:
    """What the edit page posts to submit the application as it stands (every field and person row)."""
    form = ApplicationForm(instance=app, institution=app.institution, batch=app.batch)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    rows = person_initial(app)
    data.update(
        {
            "people-TOTAL_FORMS": str(len(rows)),
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "1000",
        }
    )
    for i, row in enumerate(rows):
        for key in ("id", "kind", "name", "degree", "title", "specialty"):
            data[f"people-{i}-{key}"] = "" if row.get(key) is None else row[key]
        if row.get("full_time"):
            data[f"people-{i}-full_time"] = "on"
    data["expected_state"] = app.state
    data["submit"] = "1"
    return data
