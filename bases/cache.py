"""Caching of the public pages (register, a base's page, announcements) for anonymous visitors.

A page is cached under its full URL and a version number; any change to public facts bumps the
version (after commit), so a stale page is never served. Only visitors without a session cookie get
cached pages: they see no messages, no CSRF token and no personal navigation.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public-pages:version"
TIMEOUT = 600


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, None)
        current = cache.get(VERSION_KEY) or 1
    return current


def invalidate() -> None:
    """Bump the version after the current transaction commits (or now, outside one)."""

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, None)

    transaction.on_commit(bump)


def cached_public_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        cacheable = (
            settings.PUBLIC_PAGE_CACHE
            and request.method == "GET"
            and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = f"public-page:{version()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            return hit
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, response, TIMEOUT)
        return response

    return wrapped
