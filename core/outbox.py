"""The e-mail outbox: every inbox row is e-mailed once, by a worker, after its transaction commits.

A failed e-mail waits before the next try, twice as long each time (from EMAIL_RETRY_FIRST_SECONDS up to
EMAIL_RETRY_MAX_SECONDS, with jitter), so an outage is ridden out rather than burnt through in seconds. When
a row has waited EMAIL_GIVE_UP_HOURS it is given up: logged as an ERROR and listed in the admin (站内通知,
"邮件发送失败"), where an administrator resends it once the cause is fixed. A failure to reach the server
ends the sweep (the next rows would fail the same way); a refusal of one message or one recipient does not.
"""

import logging
import random
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def unreachable(error: Exception) -> bool:
    """Is the server not there or gone (so the rest of the sweep would fail the same way), rather than
    refusing this one message? Socket errors are OSErrors; so, since Python 3.4, are SMTP replies."""
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def due(now=None):
    """The rows whose e-mail should be tried now."""
    return Notification.objects.filter(
        emailed_at=None, email_failed_at=None, email_next_attempt_at__lte=now or timezone.now()
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling from the first delay, capped, ±20 %."""
    seconds = min(settings.EMAIL_RETRY_FIRST_SECONDS * 2 ** (attempts - 1), settings.EMAIL_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _failed(note: Notification, error: Exception, now) -> None:
    note.email_error = f"{type(error).__name__}: {error}"[:300]
    if now - note.created_at >= timedelta(hours=settings.EMAIL_GIVE_UP_HOURS):
        note.email_failed_at = now
        logger.error(
            "e-mail %s to %s given up after %s attempts: %s",
            note.pk,
            note.recipient.email,
            note.email_attempts,
            note.email_error,
        )
    else:
        note.email_next_attempt_at = now + retry_delay(note.email_attempts)
        logger.warning("e-mail %s to %s failed (attempt %s)", note.pk, note.recipient.email, note.email_attempts)
    note.save(update_fields=["email_attempts", "email_error", "email_failed_at", "email_next_attempt_at"])


def send_pending(limit: int = 500) -> int:
    """Send the e-mails that are due; returns how many were sent.

    Each message is locked, sent and marked in its own transaction, so a worker that dies mid-way
    leaves at most the one message it was sending to be sent again; two sweeps never send one twice.
    """
    ids = list(due().order_by("email_next_attempt_at", "id").values_list("id", flat=True)[:limit])
    sent = 0
    connection = get_connection()
    for pk in ids:
        with transaction.atomic():
            now = timezone.now()
            note = due(now).select_for_update(skip_locked=True).select_related("recipient").filter(pk=pk).first()
            if note is None:  # another sweep has it, or has sent it
                continue
            note.email_attempts += 1
            if note.recipient.email:
                link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
                try:
                    EmailMessage(
                        note.title, f"{note.body}{link}", to=[note.recipient.email], connection=connection
                    ).send()
                except Exception as error:
                    _failed(note, error, now)
                    if unreachable(error):
                        break
                    continue  # this message or recipient was refused: try the others
            note.emailed_at = now
            note.email_error = ""
            note.save(update_fields=["emailed_at", "email_attempts", "email_error"])
            sent += 1
    return sent


@transaction.atomic
def resend(ids) -> int:
    """Put given-up e-mails back in the outbox (an administrator, once the cause is fixed); returns how many."""
    return Notification.objects.filter(pk__in=ids, emailed_at=None, email_failed_at__isnull=False).update(
        email_failed_at=None, email_next_attempt_at=timezone.now(), email_attempts=0
    )
