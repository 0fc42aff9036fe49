"""Caching of the public pages (register, a base's page, announcements) for anonymous visitors.

A page is stored under its URL together with the version of the public facts it was rendered from;
any change to public facts bumps the version (after commit), so a stale page is never served. One
round trip to the cache reads both the current version and the stored page. Only visitors without a
session cookie get cached pages: they see no messages, no CSRF token and no personal navigation.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from core.cache import on_recovery

VERSION_KEY = "public-pages:version"
TIMEOUT = 600


def bump() -> None:
    """A new version: every stored page is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new value differs from what pages carry
        cache.set(VERSION_KEY, 2, None)


# A change made while Redis was unreachable could not bump the version; bump it once Redis is back, so the
# pages stored before the outage are not served again (core/cache.py).
on_recovery(bump)


def invalidate() -> None:
    """Bump the version after the current transaction commits (or now, outside one)."""
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
        key = f"public-page:{request.get_full_path()}"
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, None)
            version = cache.get(VERSION_KEY, 1)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            response = HttpResponse(stored[1], content_type=stored[2])
            response["Vary"] = "Cookie"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (version, response.content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapped
