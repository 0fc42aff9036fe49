"""Caching of the public pages (register, a base's page, announcements) for anonymous visitors.

A page is stored under its URL together with the version of the public facts it was rendered from;
any change to public facts bumps the version (after commit), so a stale page is never served. One
round trip to the cache reads both the current version and the stored page. Only visitors without a
session cookie get cached pages: they see no messages, no CSRF token and no personal navigation.

`PublicPageCacheMiddleware` serves the stored pages before sessions, authentication, CSRF and messages
run (it stands right after SecurityMiddleware and WhiteNoise in MIDDLEWARE): a stored page keeps the
headers the rest of the stack gave it (CSP, Permissions-Policy, X-Frame-Options, Vary, ...), and the
middleware in front of it (request id, SecurityMiddleware) adds theirs to a hit as to any response.

Values a page is built from that hold until the public facts change (the register's reference lists, a
filter's count, the rendered filter fields) are stored the same way, with the version read before they
were built (`versioned`): a change committed while one was being built leaves it stale, never served. They
are part of rendering a page, cached or not: PUBLIC_PAGE_CACHE switches the page cache (the middleware),
PUBLIC_REFERENCE_CACHE these values.
"""

import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from core.cache import on_recovery
from core.pagecache import marked

VERSION_KEY = "public-pages:version"
TIMEOUT = 600
# Besides the session cookie, a visitor carrying this one may have a message waiting: never served from the cache.
MESSAGES_COOKIE = "messages"


def _first_version() -> int:
    """A random first version, not 1: after Redis lost its data, a number it had given before would make the pages
    a process still holds (`_recent`) pass for current."""
    return secrets.randbits(48)


def bump() -> None:
    """A new version: every stored page is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new value differs from what pages carry
        cache.set(VERSION_KEY, _first_version(), None)


# A change made while Redis was unreachable could not bump the version; bump it once Redis is back, so the
# pages stored before the outage are not served again (core/cache.py).
on_recovery(bump)


def invalidate() -> None:
    """Bump the version after the current transaction commits (or now, outside one)."""
    transaction.on_commit(bump)


def _version(found: dict):
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _first_version(), None)
        version = cache.get(VERSION_KEY, 1)
    return version


def versioned(builders: dict[str, Callable[[dict], object]], version=None) -> tuple[object, dict]:
    """Each key's value as of the current version of the public facts, built only when the stored one is
    missing or older. One round trip reads the version (unless it is given) and the values this process holds no
    copy of (`_values_here`); a second one, only after a change, those whose copy is older. The builders run in
    the given order, each given the values before it (a form built from the kept choices, say); returns the
    version and the values. With PUBLIC_REFERENCE_CACHE off, every value is built."""
    values, fresh = {}, {}
    if not settings.PUBLIC_REFERENCE_CACHE:
        for key, build in builders.items():
            values[key] = build(values)
        return None, values
    now = time.monotonic()
    held = {key: copy for key in builders if (copy := _values_here.get(cache.make_key(key))) and copy[2] > now}
    asked = [key for key in builders if key not in held]
    found = cache.get_many(asked if version is not None else [VERSION_KEY, *asked]) if asked or version is None else {}
    if version is None:
        version = _version(found)
    if older := [key for key, copy in held.items() if copy[0] != version]:
        found.update(cache.get_many(older))
    for key, build in builders.items():
        stored = found.get(key) or held.get(key)
        if stored is not None and stored[0] == version:
            values[key] = stored[1]
        else:
            values[key] = fresh[key] = build(values)
        if key not in held or held[key][0] != version:
            _hold(_values_here, key, version, values[key])
    if fresh:
        cache.set_many({key: (version, value) for key, value in fresh.items()}, TIMEOUT)
    return version, values


def cached_public_page(view):
    """Mark a view whose page anonymous visitors may be served from the cache (PublicPageCacheMiddleware)."""
    view.public_page_cache = True
    return view


# This process's copies of the pages it served last, so that a hit asks Redis for the version alone, not for the
# page (about 20 KB to read and unpickle): (version, content, headers, until); and of the values `versioned`
# gave, (version, value, until). A copy is served only against a version read from Redis just now, never past
# the lifetime of what Redis stores, and the copies of a kind are dropped together when they grow past RECENT_LIMIT.
_recent: dict[str, tuple] = {}
_values_here: dict[str, tuple] = {}
RECENT_LIMIT = 512


def _hold(copies: dict, key: str, version, *kept) -> None:
    if len(copies) >= RECENT_LIMIT:
        copies.clear()
    copies[cache.make_key(key)] = (version, *kept, time.monotonic() + TIMEOUT)


def _keep_here(key: str, version, content: bytes, headers: dict) -> None:
    _hold(_recent, key, version, content, headers)


class PublicPageCacheMiddleware:
    """Anonymous GET/HEAD requests for a marked public page: answered from the cache when the stored page is of
    the current version; otherwise the page is rendered by the rest of the stack and stored (200 only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            settings.PUBLIC_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and marked(request.path_info, "public_page_cache")
        ):
            return self.get_response(request)
        request.get_host()  # the host check CommonMiddleware makes (DisallowedHost answers 400), hit or miss
        key = f"public-page:{request.get_full_path()}"
        here = _recent.get(cache.make_key(key))
        found = cache.get_many([VERSION_KEY] if here else [VERSION_KEY, key])
        if here is not None and VERSION_KEY in found and here[0] == found[VERSION_KEY] and here[3] > time.monotonic():
            return HttpResponse(here[1], headers=here[2])
        if here is not None:
            found.update(cache.get_many([key]))
        version = _version(found)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            _keep_here(key, *stored)
            return HttpResponse(stored[1], headers=stored[2])
        response = self.get_response(request)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(getattr(request, "user", None), "is_authenticated", True)
        ):
            patch_vary_headers(response, ("Cookie",))
            stored = (version, response.content, dict(response.headers))
            cache.set(key, stored, TIMEOUT)
            _keep_here(key, *stored)
        return response
