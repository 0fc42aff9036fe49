"""Redis (the Celery broker) down while a user submits: the submission succeeds and its inbox messages are
written; no e-mail goes out while the broker is unreachable; once it is back, the minutely outbox sweep
(core.notifications.send_pending, what the beat runs) sends each e-mail exactly once."""

import time
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Application
from config.celery import app as celery_app
from core import notifications as notify
from core.models import Notification
from tests import factories
from tests.helpers import client_as

from .conftest import submit_post

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once.
DEAD_BROKER = "redis://127.0.0.1:1/0"
FAIL_FAST = {
    "task_always_eager": False,
    "broker_url": DEAD_BROKER,
    "broker_connection_retry": False,
    "broker_connection_max_retries": 0,
    "broker_connection_timeout": 1,
    "broker_transport_options": {"max_retries": 0, "socket_connect_timeout": 1},
    "task_publish_retry": False,
}


def _reset_pools():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point Celery at a broker that is not there; put everything back afterwards."""
    saved = {key: celery_app.conf[key] for key in FAIL_FAST}
    pools = celery_app._pool, celery_app.amqp._producer_pool
    _reset_pools()
    celery_app.conf.update(FAIL_FAST)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool, celery_app.amqp._producer_pool = pools


@pytest.fixture
def ready_draft(db):
    """A complete draft of a 福州 institution with two staff accounts, and the 福州 recommender."""
    institution = factories.InstitutionFactory()
    staff = [factories.InstitutionUserFactory(institution=institution) for _ in range(2)]
    recommender = factories.RecommenderUserFactory(region=institution.region)
    app = factories.ApplicationFactory(complete=True, institution=institution, created_by=staff[0])
    return app, staff, recommender


def test_the_broker_really_is_unreachable_and_queueing_fails_fast(broker_down):
    from core.tasks import send_pending_emails

    started = time.monotonic()
    with pytest.raises(Exception) as refused:
        send_pending_emails.delay()
    assert time.monotonic() - started < 10
    assert "refused" in str(refused.value).lower() or "connect" in str(refused.value).lower()


def test_a_submission_while_redis_is_down_succeeds_and_its_e_mails_go_out_once_when_redis_is_back(
    broker_down, ready_draft, django_capture_on_commit_callbacks, caplog
):
    app, staff, recommender = ready_draft
    client = client_as(staff[0])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = client.post(reverse("applications:edit", args=[app.pk]), submit_post(app))

    # The user's work went through, with the Chinese confirmation.
    assert response.status_code == 302 and response["Location"] == reverse("applications:detail", args=[app.pk])
    assert "申报已提交" in client.get(response["Location"]).content.decode()
    app.refresh_from_db()
    assert app.state == "submitted" and app.submitted_at is not None
    # The inbox messages are there, for the recommender and both of the institution's staff.
    notes = list(Notification.objects.filter(created_at__gte=app.submitted_at))
    assert Counter(n.recipient_id for n in notes) == Counter([recommender.pk, staff[0].pk, staff[1].pk])
    # Queueing the e-mail task was tried after the commit and failed quietly; nothing was sent.
    assert after_commit, "no e-mail task was queued after the commit"
    assert "could not queue notification e-mails" in caplog.text
    assert mail.outbox == []
    assert all(n.emailed_at is None for n in notes)

    # Redis is back: the beat's minutely sweep sends the outbox.
    assert notify.send_pending() == 3
    assert Counter(m.to[0] for m in mail.outbox) == Counter(u.email for u in (recommender, *staff))
    assert notify.send_pending() == 0
    assert len(mail.outbox) == 3
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_the_celery_configuration_is_restored_after_the_broker_test(ready_draft):
    assert celery_app.conf.broker_url != DEAD_BROKER
    assert celery_app.conf.task_always_eager is True
    assert Application.objects.exists()
