"""Personal data at rest (PIPL; issue 17, point 4): a resident ID number is checked (GB 11643), stored
encrypted, matched by a keyed hash, and shown masked.

- `seal` encrypts with the current key (Fernet: AES-128-CBC with an HMAC, from `cryptography`); `unseal`
  decrypts with any key of `PII_KEYS`, so a new key can be put first while old rows are still readable, and
  `reseal` re-encrypts a value under the current key (the rotation, see docs/operations.md).
- `fingerprint` is an HMAC-SHA256 under `PII_HASH_KEY`: equal numbers give equal fingerprints, so a trainee is
  found across bases without decrypting anything, and nobody holding the database alone can test guesses.
- `mask` shows the first four and the last four characters: 3501**********1234.

The keys come from the environment. A development or test run (DEBUG) without them derives fixed keys from
SECRET_KEY; production without them refuses to use them (`manage.py check --deploy` names the missing setting).
"""

import base64
import hashlib
import hmac
import re
from datetime import date
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_DIGITS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")
# the first two digits: the provinces, regions and municipalities of GB/T 2260, and 71/81/82
PROVINCES = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
}  # fmt: skip


class UnreadableSecret(Exception):
    """A stored value no key of PII_KEYS opens (a key dropped too early, or a damaged row)."""


def normalise(number: str) -> str:
    """What people type, as stored: no spaces, an upper-case X, full-width digits made plain."""
    text = (number or "").strip().replace(" ", "").replace("\u3000", "")
    return text.translate({0xFF10 + d: str(d) for d in range(10)} | {ord("ｘ"): "X", ord("Ｘ"): "X"}).upper()


def id_number_error(number: str) -> str | None:
    """Why `number` is not a valid 18-digit resident ID number (GB 11643-1999), in Chinese; None when it is."""
    text = normalise(number)
    if not text:
        return "请填写身份证号码。"
    if not SHAPE.match(text):
        return "身份证号码应为18位：前17位为数字，最后一位为数字或X。"
    if int(text[:2]) not in PROVINCES:
        return "身份证号码的前两位不是有效的省级行政区划代码。"
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "身份证号码中的出生日期（第7至14位）不是有效日期。"
    if born.year < 1900 or born > date.today():
        return "身份证号码中的出生日期（第7至14位）不在合理范围内。"
    expected = CHECK_DIGITS[sum(int(d) * w for d, w in zip(text[:17], WEIGHTS, strict=True)) % 11]
    if text[17] != expected:
        return "身份证号码的校验码（第18位）不正确，请核对是否有输错的数字。"
    return None


def check_digit(first_17: str) -> str:
    """The GB 11643 check digit of the first 17 digits (for test data and the demo)."""
    return CHECK_DIGITS[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


def mask(number: str) -> str:
    text = normalise(number)
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{purpose}".encode()).digest()


@cache
def _keys() -> tuple[MultiFernet, bytes]:
    keys = list(settings.PII_KEYS)
    hash_key = settings.PII_HASH_KEY
    if not keys or not hash_key:
        if not settings.DEBUG:
            raise ImproperlyConfigured("PII_KEYS and PII_HASH_KEY must be set in production (docs/deployment.md).")
        keys = keys or [base64.urlsafe_b64encode(_derived("pii-encryption")).decode()]
        hash_key = hash_key or base64.urlsafe_b64encode(_derived("pii-fingerprint")).decode()
    try:
        fernet = MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"PII_KEYS holds a key that is not a Fernet key: {error}") from None
    return fernet, hash_key.encode()


def reset_keys() -> None:
    """Forget the keys read from settings (tests that change them, a process that reloads them)."""
    _keys.cache_clear()


def seal(number: str) -> str:
    return _keys()[0].encrypt(normalise(number).encode()).decode()


def unseal(token: str) -> str:
    try:
        return _keys()[0].decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("该数据无法用当前配置的密钥解密。") from None


def reseal(token: str) -> str:
    """The value encrypted under the current (first) key: the step of a key rotation."""
    try:
        return _keys()[0].rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("该数据无法用当前配置的密钥解密。") from None


def fingerprint(number: str) -> str:
    return hmac.new(_keys()[1], normalise(number).encode(), hashlib.sha256).hexdigest()
