"""Fixtures for the report tests: the clock stopped on 2025-06-15 (Asia/Shanghai) and a recommender
of a second unit (厦门市人社局) to prove that figures and exports stay in scope."""

import pytest
import time_machine
from django.core.cache import cache

from tests import factories

from .build import TODAY, XIAMEN, at


@pytest.fixture(autouse=True)
def clock(db):
    """Every report test runs on 2025-06-15 at 10:00 in Asia/Shanghai (the clock ticks, so records differ).

    The dashboard caches the ten regions' ids; a shared Redis may hold them from another database, so each
    test starts without that entry (the whole cache is not cleared: other runs may share it).
    """
    cache.delete("reports:regions:v1")
    with time_machine.travel(at(TODAY.year, TODAY.month, TODAY.day, 10, 0), tick=True) as traveller:
        yield traveller


@pytest.fixture
def xiamen_recommender(db):
    return factories.RecommenderUserFactory(region=factories.region(XIAMEN))
