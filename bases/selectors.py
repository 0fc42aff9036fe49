"""Reads of bases for the signed-in sides (the public register arrives with its own selectors)."""

from django.db.models import QuerySet

from jxjy_portal import access

from .models import Base

LIST_FIELDS = (
    "id",
    "name",
    "register_number",
    "recognised_on",
    "status",
    "year",
    "sequence",
    "fields",
    "region__name",
    "institution_type",
    "batch__name",
)


def bases_for(user) -> QuerySet[Base]:
    return (
        access.visible(user, Base.objects.all())
        .select_related("region", "batch")
        .only(*LIST_FIELDS)
        .order_by("-year", "-sequence")
    )


def base_detail(user, pk) -> Base:
    return access.get_visible_or_404(
        user, Base.objects.select_related("institution", "region", "batch", "application"), pk=pk
    )
