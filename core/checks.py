"""Deployment checks of the kernel's own settings (`manage.py check --deploy`)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    """Production holds its own keys for the ID numbers at rest (PIPL), each a valid Fernet key."""
    errors = []
    if not settings.PII_KEYS:
        errors.append(Error("PII_KEYS is not set: ID numbers could not be encrypted at rest.", id="jxjy.E001"))
    if not settings.PII_HASH_KEY:
        errors.append(Error("PII_HASH_KEY is not set: ID numbers could not be matched.", id="jxjy.E002"))
    for position, key in enumerate(settings.PII_KEYS, start=1):
        try:
            Fernet(key)
        except ValueError:
            errors.append(Error(f"PII_KEYS key {position} is not a Fernet key.", id="jxjy.E003"))
    return errors
