"""Two beat processes (two nodes, or a failover that left the old beat running) fire the same daily job at the
same moment (issue 19, point 3): the day's scheduled run is claimed once, so the job runs once; the other task
stands down. A run by hand for the same day still runs. PostgreSQL only (a real race); required in CI."""

import threading
from datetime import date

import pytest

from core import jobs
from core.models import JobRun
from core.tasks import run_job

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DAY = date(2026, 12, 7)


@pytest.fixture
def counting_job(postgres):
    calls = []
    lock = threading.Lock()

    def count(*, today):
        with lock:
            calls.append(today)
        return len(calls)

    job = jobs.register("test-two-beats", count, at="02:00", description="测试作业")
    yield calls
    jobs._jobs.pop(job.name, None)


def test_two_beats_firing_at_once_run_the_job_once(counting_job):
    fire = lambda: run_job("test-two-beats", DAY.isoformat(), by_beat=True)  # noqa: E731
    outcomes = race(fire, fire)
    assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]
    assert counting_job == [DAY]
    assert JobRun.objects.filter(job="test-two-beats", for_day=DAY).count() == 1

    assert run_job("test-two-beats", DAY.isoformat()) == 2  # an operator's run by hand is not refused
    assert JobRun.objects.filter(job="test-two-beats", for_day=DAY, trigger="hand").count() == 1


def test_every_job_in_the_beat_schedule_is_fired_as_the_beats_run():
    schedule = jobs.beat_schedule()
    for name in jobs.registered():
        assert schedule[name]["kwargs"] == {"by_beat": True}
