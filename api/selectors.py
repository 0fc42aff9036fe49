"""Reads for the token pages."""

from django.db.models import QuerySet

from bases.models import Base
from core import access

from .models import ApiToken


def tokens_for(user) -> QuerySet[ApiToken]:
    """The tokens the user manages, newest first, with their base."""
    return access.visible(user, ApiToken.objects.select_related("base")).order_by("-created_at", "-pk")


def token_bases(user) -> QuerySet[Base]:
    """The bases for which the user may issue a token: its own live bases."""
    return access.visible(user, Base.objects.live()).order_by("year", "sequence")
