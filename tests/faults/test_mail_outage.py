"""The mail server down, then refusing, then back (issue 19, point 6): the outbox waits longer after each
failure instead of burning its tries in seconds, gives a mail up only after a time window with an ERROR,
lists it for the administrator, who resends it; each mail arrives once. A real SMTP server process
(aiosmtpd, tests/faults/smtp_server.py) on a real socket."""

import json
import logging
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import Notification
from core.notifications import notify
from tests import factories

pytestmark = pytest.mark.django_db

SERVER = Path(__file__).with_name("smtp_server.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self, port: int, mailbox: Path, refuse: int = 0):
        self.mailbox = mailbox
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), str(port), str(mailbox), "--refuse", str(refuse)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def received(self) -> list[dict]:
        if not self.mailbox.exists():
            return []
        return [json.loads(line) for line in self.mailbox.read_text(encoding="utf-8").splitlines()]

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def smtp(settings, tmp_path):
    """The portal pointed at a port where, at first, no server listens; `start()` brings one up there."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = False
    servers = []

    class Control:
        def start(self, refuse: int = 0) -> MailServer:
            servers.append(MailServer(port, tmp_path / "mailbox.jsonl", refuse))
            return servers[-1]

    yield Control()
    for server in servers:
        server.stop()


def come_due():
    """The clock moves on: every waiting mail is due again."""
    Notification.objects.update(email_next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_server_down_postpones_the_mail_with_a_growing_wait_and_it_arrives_once_when_back(smtp):
    people = [factories.InstitutionUserFactory(), factories.RecommenderUserFactory()]
    notify(people, title="申报已提交", body="请审核推荐。")

    before = timezone.now()
    assert outbox.send_pending() == 0
    first = Notification.objects.order_by("id").first()
    # the sweep stops at the first unreachable server: the second mail was not even tried
    assert list(Notification.objects.order_by("id").values_list("email_attempts", flat=True)) == [1, 0]
    assert "ConnectionRefusedError" in first.email_error
    wait = first.email_next_attempt_at - before
    assert timedelta(seconds=47) <= wait <= timedelta(seconds=73)  # 60 s ± 20 %
    assert outbox.send_pending() == 1 - 1  # not due yet: nothing tried
    assert Notification.objects.get(pk=first.pk).email_attempts == 1

    Notification.objects.filter(pk=first.pk).update(email_next_attempt_at=timezone.now())
    assert outbox.send_pending() == 0
    second_wait = Notification.objects.get(pk=first.pk).email_next_attempt_at - timezone.now()
    assert timedelta(seconds=95) <= second_wait <= timedelta(seconds=145)  # doubled: 120 s ± 20 %

    server = smtp.start()
    come_due()
    assert outbox.send_pending() == 2
    assert outbox.send_pending() == 0
    assert sorted(mail["to"][0] for mail in server.received()) == sorted(p.email for p in people)
    assert all(n.email_error == "" and n.emailed_at for n in Notification.objects.all())


def test_a_server_that_refuses_a_message_gets_it_again_later_and_the_others_go_through(smtp):
    server = smtp.start(refuse=1)
    people = [factories.InstitutionUserFactory(), factories.RecommenderUserFactory()]
    notify(people, title="年度报告提醒")

    assert outbox.send_pending() == 1  # the first was refused (451), the second accepted
    refused = Notification.objects.get(emailed_at=None)
    assert "451" in refused.email_error and refused.email_next_attempt_at > timezone.now()

    come_due()
    assert outbox.send_pending() == 1
    assert sorted(mail["to"][0] for mail in server.received()) == sorted(p.email for p in people)


def test_a_mail_failing_for_the_whole_window_is_given_up_with_an_error_and_the_admin_resends_it(
    smtp, caplog, client, settings
):
    person = factories.InstitutionUserFactory()
    notify([person], title="整改通知")
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=settings.EMAIL_GIVE_UP_HOURS))

    with caplog.at_level(logging.ERROR, logger="core.outbox"):
        assert outbox.send_pending() == 0
    note = Notification.objects.get()
    assert note.email_failed_at is not None
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    come_due()
    assert outbox.send_pending() == 0  # given up: no longer swept

    admin = factories.UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:jxjy_portal_notification_changelist"), {"mail": "failed"})
    assert "整改通知" in listing.content.decode()
    server = smtp.start()
    client.post(
        reverse("admin:jxjy_portal_notification_changelist"),
        {"action": "resend", "_selected_action": [note.pk]},
    )
    assert Notification.objects.get().email_failed_at is None
    assert outbox.send_pending() == 1
    assert [mail["to"][0] for mail in server.received()] == [person.email]


def test_the_wait_doubles_and_is_capped(settings):
    settings.EMAIL_RETRY_FIRST_SECONDS, settings.EMAIL_RETRY_MAX_SECONDS = 60, 3600
    for attempts, seconds in [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (30, 3600)]:
        delay = outbox.retry_delay(attempts).total_seconds()
        assert seconds * 0.8 <= delay <= seconds * 1.2
