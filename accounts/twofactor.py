"""Two-factor sign-in (TOTP, django-otp): who needs it, and how a session remembers the second step.

A session is verified when it holds django-otp's device id (`django_otp.login`), set only after a right code;
a password alone leaves it unverified. The password step of a user with a device does not sign in at all: it
keeps the user in the session as pending (PENDING_KEY) until the code step.
"""

from base64 import b32encode
from binascii import unhexlify

from django_otp import DEVICE_ID_SESSION_KEY

PENDING_KEY = "two_factor_pending"  # {"user": pk, "backend": path, "at": epoch seconds}
ENROL_KEY = "two_factor_new_key"  # the hex key shown on the enrolment page until it is confirmed by a code
NEW_CODES_KEY = "two_factor_new_codes"  # regenerated backup codes, until the page that shows them once
PENDING_SECONDS = 300  # how long the code step waits for the code after the right password
BACKUP_CODES = 10


def is_verified(request) -> bool:
    """This session passed the second step (or, for tests, was marked so by tests/conftest.py)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def must_verify(request) -> bool:
    """A signed-in user who needs a second factor and has not given one in this session."""
    user = request.user
    return user.is_authenticated and user.two_factor_required and not is_verified(request)


def base32(hex_key: str) -> str:
    """The key as an authenticator app's manual entry takes it (RFC 4648 base32, in groups of four)."""
    text = b32encode(unhexlify(hex_key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
