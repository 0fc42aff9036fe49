"""`{% if base|can:"revoke" %}`: templates ask the one permission question, never role or state strings."""

from django import template

from core import access

register = template.Library()


@register.filter
def can(obj, action: str) -> bool:
    """May the user this object was fetched for take `action` on it now? False for an object not fetched
    through `access.get_visible_or_404` (or `access.bind`), so a page never offers what it cannot check."""
    viewer = getattr(obj, "_viewer", None)
    if viewer is None or obj is None:
        return False
    return access.can(viewer, action, obj)


@register.filter
def may(user, name: str) -> bool:
    """`{% if user|may:"draw_spot_checks" %}`: does the user hold a capability (not about one record)?"""
    return access.may(user, name)
