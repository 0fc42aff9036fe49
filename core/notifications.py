"""Inbox + e-mail: the one way the portal tells a person something.

A notification is a row in the recipient's inbox, written in the caller's transaction. E-mail is an
outbox: after commit a Celery task sends every unsent row; if the broker is down the rows wait and the
minutely beat sweep sends them once it is back, so nothing is lost and nothing is sent twice.
"""

import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction

from .models import Notification
from .outbox import send_pending

__all__ = ["notify", "notify_each", "send_pending"]

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, *, title: str, body: str = "", url: str = "", dedupe_key: str | None = None) -> int:
    """Put one message in each active recipient's inbox and queue its e-mail; returns how many were written.

    With a dedupe_key a recipient gets the message at most once, however often this is called.
    """
    unique = list({user.pk: user for user in recipients}.values())
    return notify_each([{"recipients": unique, "title": title, "body": body, "url": url, "dedupe_key": dedupe_key}])


def queue_pending_emails() -> None:
    """Ask a worker to send the outbox; if the broker is unreachable the beat sweep sends it later."""
    try:
        # by name, as the services queue their tasks: core.tasks runs services that notify (core/exports.py)
        current_app.tasks["core.tasks.send_pending_emails"].delay()
    except Exception:  # broker down: the rows stay unsent and are picked up by the next sweep
        logger.warning("could not queue notification e-mails; the outbox sweep will send them", exc_info=True)


def notify_each(messages: list[dict]) -> int:
    """Many messages, each with its own recipients, in a fixed number of queries (for scheduled jobs).

    Each message is a dict of recipients, title, body, url and dedupe_key; a recipient gets a message
    with a given dedupe_key at most once, however often the job runs.
    """
    rows, keyed = [], set()
    for message in messages:
        for user in message["recipients"]:
            if user.is_active:
                rows.append(
                    Notification(
                        recipient=user,
                        title=message["title"],
                        body=message.get("body", ""),
                        url=message.get("url", ""),
                        dedupe_key=message.get("dedupe_key"),
                    )
                )
                if rows[-1].dedupe_key:
                    keyed.add(rows[-1].dedupe_key)
    if not rows:
        return 0
    if keyed:
        already = set(Notification.objects.filter(dedupe_key__in=keyed).values_list("recipient_id", "dedupe_key"))
        rows = [r for r in rows if (r.recipient_id, r.dedupe_key) not in already]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        transaction.on_commit(queue_pending_emails)
    return len(rows)
