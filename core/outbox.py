"""The e-mail outbox: every inbox row is e-mailed once, by a worker, after its transaction commits."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


def send_pending(limit: int = 500) -> int:
    """Send the unsent e-mails of the outbox; returns how many were sent.

    Each message is locked, sent and marked in its own transaction, so a worker that dies mid-way
    leaves at most the one message it was sending to be sent again; two sweeps never send one twice.
    """
    ids = list(
        Notification.objects.filter(emailed_at=None, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    connection = get_connection()
    for pk in ids:
        with transaction.atomic():
            note = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed_at=None)
                .first()
            )
            if note is None:  # another sweep has it, or has sent it
                continue
            note.email_attempts += 1
            if note.recipient.email:
                link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
                try:
                    EmailMessage(
                        note.title, f"{note.body}{link}", to=[note.recipient.email], connection=connection
                    ).send()
                except Exception:
                    logger.warning("e-mail to %s failed", note.recipient.email, exc_info=True)
                    note.save(update_fields=["email_attempts"])
                    continue
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at", "email_attempts"])
            sent += 1
    return sent
