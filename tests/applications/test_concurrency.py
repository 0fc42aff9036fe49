"""SPEC 2.2: two people acting on one application at once can never both succeed; SPEC 2.3: register
numbers stay unique and sequential when two approvals race. PostgreSQL only (real row locks)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from applications import services
from applications.models import Application, State
from bases import services as recognition
from bases.models import Base, RegisterSequence
from core.errors import Conflict, RuleViolation
from core.models import Notification
from tests import factories

from .conftest import complete_draft, events

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    factories.restore_reference_data()


def race(*calls):
    """Run the calls in threads released at the same moment; returns (outcome, value) per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", fn())
        except Exception as error:  # noqa: BLE001 - the outcome is what we assert on
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(not t.is_alive() for t in threads), "a thread hung (lock never released?)"
    return results


@pytest.fixture
def submitted(postgres, institution_user, batch):
    app = complete_draft(institution_user, batch)
    services.submit(actor=institution_user, application_id=app.pk)
    return app


@pytest.mark.parametrize(
    "first, second",
    [
        ("recommend", "recommend"),
        ("recommend", "return_recommender"),
        ("not_recommend", "recommend"),
    ],
)
def test_two_recommenders_acting_at_once_exactly_one_wins(submitted, recommender_user, province_user, first, second):
    colleague = factories.RecommenderUserFactory()  # same unit
    before = Notification.objects.count()

    def act(user, action):
        return lambda: services.transition(
            actor=user, application_id=submitted.pk, action=action, comment="意见", expected_state=State.SUBMITTED
        )

    results = race(act(recommender_user, first), act(colleague, second))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    (winner_index,) = [i for i, (kind, _) in enumerate(results) if kind == "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, Conflict)
    assert "已由他人处理" in error.message and "您的操作未执行" in error.message

    won = (first, second)[winner_index]
    submitted.refresh_from_db()
    assert submitted.state == {"recommend": State.RECOMMENDED, "return_recommender": State.RETURNED,
                               "not_recommend": State.NOT_RECOMMENDED}[won]  # fmt: skip
    transitions = [e for e in events(submitted) if e.from_state == State.SUBMITTED]
    assert len(transitions) == 1 and transitions[0].action == won
    assert transitions[0].actor == (recommender_user, colleague)[winner_index]
    # only the winner told anyone anything
    titles = set(Notification.objects.order_by("id")[before:].values_list("title", flat=True))
    assert titles
    expected = {"recommend": {"待审核："}, "return_recommender": {"申报被退回修改"}, "not_recommend": {"申报不予推荐"}}[
        won
    ]
    assert all(any(t.startswith(p) for p in expected) for t in titles), titles


def test_submit_and_withdraw_at_once_leave_one_consistent_outcome(postgres, institution_user, batch):
    app = complete_draft(institution_user, batch)
    results = race(
        lambda: services.submit(actor=institution_user, application_id=app.pk, expected_state=State.DRAFT),
        lambda: services.transition(
            actor=institution_user, application_id=app.pk, action="withdraw", expected_state=State.DRAFT
        ),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), RuleViolation)
    app.refresh_from_db()
    assert app.state in (State.SUBMITTED, State.WITHDRAWN)
    assert len([e for e in events(app) if e.from_state == State.DRAFT]) == 1


def _ready_to_approve(batch, drive):
    app = complete_draft(factories.InstitutionUserFactory(), batch)
    drive(app, "visit_recorded")
    factories.ended_notice(app)  # its public notice has run its period (Art. 8(4))
    return app


@pytest.mark.parametrize("sequence_exists", [False, True], ids=["first-of-year", "sequence-row-exists"])
def test_two_approvals_at_once_get_distinct_sequential_register_numbers(
    postgres, province_user, batch, drive, sequence_exists
):
    today = timezone.localdate()  # a recognition date is never in the future (Art. 8(4))
    if sequence_exists:
        RegisterSequence.objects.create(year=today.year, last=4)
    a, b = _ready_to_approve(batch, drive), _ready_to_approve(batch, drive)
    colleague = factories.UserFactory()  # a second province user

    results = race(
        lambda: recognition.approve(actor=province_user, application_id=a.pk, recognised_on=today),
        lambda: recognition.approve(actor=colleague, application_id=b.pk, recognised_on=today),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    start = 5 if sequence_exists else 1
    numbers = sorted(Base.objects.filter(year=today.year).values_list("register_number", flat=True))
    assert numbers == [f"闽继教基地〔{today.year}〕{n:03d}号" for n in (start, start + 1)]
    assert RegisterSequence.objects.get(year=today.year).last == start + 1
    assert set(Application.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {State.APPROVED}


def test_the_same_approval_twice_at_once_creates_one_base(postgres, province_user, batch, drive):
    app = _ready_to_approve(batch, drive)
    colleague = factories.UserFactory()
    results = race(
        lambda: recognition.approve(actor=province_user, application_id=app.pk, expected_state=State.SITE_VISIT),
        lambda: recognition.approve(actor=colleague, application_id=app.pk, expected_state=State.SITE_VISIT),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), Conflict)
    assert Base.objects.filter(application=app).count() == 1
    assert len([e for e in events(app) if e.action == "recognise"]) == 1
