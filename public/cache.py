"""Caching of the public pages (register, a base's page, announcements) for anonymous visitors.

A page is stored under its URL together with the version of the public facts it was rendered from;
any change to public facts bumps the version (after commit), and a page of an older version is not served
again: by the process that made the change at once, by the others once they hear of the new version
(`VersionWatch`, milliseconds; at most a second or two if Redis fails silently). One round trip to the
cache reads both the current version and the stored page. Only visitors without a
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

Each process holds copies of the pages and values it served last, and of the version (`VersionWatch`): a thread
of the process listens for the announcement `bump()` makes of each new version and reads it then, so a page
held here is served without a round trip to Redis (under load that round trip cost a cached page more than
half its speed). PUBLIC_VERSION_WATCH switches this; without it, or while the thread has no version, every
request asks Redis for the version.
"""

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from core.cache import on_recovery
from core.pagecache import marked

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
# Where bump() announces a new version. Channels are the Redis server's, shared by every database and key prefix
# on it: an announcement only makes a listener read its version again.
CHANGED_CHANNEL = "jxjy:public-pages:changed"
TIMEOUT = 600
# Besides the session cookie, a visitor carrying this one may have a message waiting: never served from the cache.
MESSAGES_COOKIE = "messages"


def _first_version() -> int:
    """A random first version, not 1: after Redis lost its data, a number it had given before would make the pages
    a process still holds (`_recent`) pass for current."""
    return secrets.randbits(48)


def bump() -> None:
    """A new version: every stored page is stale from now on, in this process at once, in the others as soon as
    they hear the announcement (or read the version at the latest RESYNC_SECONDS later, if it was lost)."""
    watch.changed()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new value differs from what pages carry
        cache.set(VERSION_KEY, _first_version(), None)
    if hasattr(cache, "publish"):
        cache.publish(CHANGED_CHANNEL)


# A change made while Redis was unreachable could not bump the version; bump it once Redis is back, so the
# pages stored before the outage are not served again (core/cache.py).
on_recovery(bump)


class VersionWatch:
    """The version of the public facts as this process last read it, kept current without a round trip per request.

    A thread subscribes to CHANGED_CHANNEL, then reads the version, and reads it again after each announcement and
    every RESYNC_SECONDS besides: a flush, a restart or an announcement lost in a network blip announce nothing,
    nor does Redis vanishing without closing the connection (noticed at the next read), so a version is at most
    RESYNC_SECONDS plus the socket timeout behind. Back after losing Redis, the thread bumps, as on_recovery does.

    `current()` is None, that is "ask Redis": until the thread has read a version, while its connection is down,
    right after this process bumped (until the thread has read the new version), and for another key prefix than
    the one read (tests give each test its own). One thread per process, started by its first request."""

    RESYNC_SECONDS = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._read = None  # (the version's full key, the version)
        self._bumps = 0  # this process's bumps: a read that began before one is not kept

    def current(self, version_key: str):
        if not settings.PUBLIC_VERSION_WATCH or not hasattr(cache, "subscribe"):
            return None
        if self._pid != os.getpid():
            self._start()
        read = self._read
        return read[1] if read is not None and read[0] == version_key else None

    def changed(self) -> None:
        with self._lock:
            self._bumps += 1
            self._read = None

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self._read = os.getpid(), None
        threading.Thread(target=self._listen, name="public-version-watch", daemon=True).start()

    def _read_version(self) -> None:
        with self._lock:
            bumps = self._bumps
        key, version = cache.make_key(VERSION_KEY), cache.get(VERSION_KEY)
        with self._lock:
            if bumps == self._bumps:
                self._read = (key, version) if version is not None else None

    def _listen(self) -> None:
        down = False
        while True:
            try:
                subscription = cache.subscribe(CHANGED_CHANNEL)
                try:
                    if down:  # a change made meanwhile may have found Redis unreachable: as on_recovery
                        logger.warning("the public pages' version is heard of again")
                        bump()
                        down = False
                    self._read_version()
                    while True:
                        subscription.get_message(ignore_subscribe_messages=True, timeout=self.RESYNC_SECONDS)
                        self._read_version()
                finally:
                    subscription.close()
            except Exception:  # unreachable, or anything else: every request asks Redis until this is back
                with self._lock:
                    self._read = None
                if not down:
                    logger.warning("not hearing of the public pages' version: every request asks Redis", exc_info=True)
                    down = True
                time.sleep(self.RESYNC_SECONDS)


watch = VersionWatch()


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
    missing or older. One round trip reads the version (unless it is given or this process heard of it: `watch`)
    and the values this process holds no copy of (`_values_here`), none when it has both; a second one, only after a change, those whose copy is older. The builders run in
    the given order, each given the values before it (a form built from the kept choices, say); returns the
    version and the values. With PUBLIC_REFERENCE_CACHE off, every value is built."""
    values, fresh = {}, {}
    if not settings.PUBLIC_REFERENCE_CACHE:
        for key, build in builders.items():
            values[key] = build(values)
        return None, values
    now = time.monotonic()
    if version is None:
        version = watch.current(cache.make_key(VERSION_KEY))
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
        # the version as this process heard of it, or else from Redis, with the stored page unless a copy is here
        version = watch.current(cache.make_key(VERSION_KEY))
        asked = [] if version is not None else [VERSION_KEY] if here else [VERSION_KEY, key]
        found = cache.get_many(asked) if asked else {}
        if version is None:
            version = _version(found)
        if here is not None and here[0] == version and here[3] > time.monotonic():
            return HttpResponse(here[1], headers=here[2])
        if key not in asked:
            found.update(cache.get_many([key]))
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
