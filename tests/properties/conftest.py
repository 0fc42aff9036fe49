"""Shared settings of the property tests: modest example counts, no deadline (CI machines vary), no example
database, and a rolled-back savepoint per example for the ones that touch the database."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps a cache (.hypothesis/) in the working directory: keep it out of the project.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "jxjy-portal-hypothesis"))

PURE = settings(max_examples=200, deadline=None, database=None)
# Examples that write to the database: each in its own savepoint, fewer of them.
WITH_DB = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextmanager
def fresh_example():
    """Whatever one example writes is undone before the next one starts."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
