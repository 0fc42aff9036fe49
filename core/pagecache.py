"""Signed-in pages served again while nothing in the database has changed (issue 20).

A page marked with `cached_signed_in_page` (the homes, the queues, the bases lists, the inbox, the
dashboard) is stored, once rendered for a signed-in user, together with the database snapshot it was read
at: PostgreSQL's `pg_current_snapshot()`, which names the transactions committed before it and those still
running. Two snapshots that read the same see the same committed data, and the snapshot moves on as soon as
any transaction anywhere writes anything (it is given a transaction id), so a stored page is served again
only while the database is, to the reader, exactly as it was when the page was rendered. There is no list of
tables to keep in step and nothing for a writer to do or wait for.

The key holds everything else the page is made of: the session's key, the CSRF cookie the page's forms carry a
token for, the host, the full path with its query, and the day (pages say "today" and count days to deadlines).
The stored page carries a digest of the session's data it was rendered with (who is signed in, whether the second
step was passed, anything kept between requests), compared on a hit; it lives at most `TIMEOUT` seconds. A page
that set any cookie but the same CSRF cookie, changed the session, showed messages, was not a 200 HTML response or
was rendered inside a transaction is not stored.

`SignedInPageCacheMiddleware` stands before sessions, authentication, CSRF and messages (right after the public
page cache): a hit costs one cache read (the session and the page together) and one query. A stored page keeps
the headers the rest of the stack gave it (CSP, X-Frame-Options, Vary, ...). On the embedded SQLite database,
inside a transaction (tests) and with `SIGNED_IN_PAGE_CACHE` off, every page is rendered. Without Redis
(core/cache.py) nothing is found and every page is rendered.
"""

import functools
import hashlib
import json
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

TIMEOUT = 60
SESSION_USER_KEY = "_auth_user_id"  # django.contrib.auth's key in the session
SESSION_MESSAGES_KEY = "_messages"  # django.contrib.messages' session storage
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
# The restart time joins the snapshot: a database restored from a backup starts its transaction ids again.
SNAPSHOT_SQL = "SELECT pg_current_snapshot()::text || ' ' || pg_postmaster_start_time()::text"


def cached_signed_in_page(view):
    """Mark a read-only view whose page a signed-in user may be served again (SignedInPageCacheMiddleware).
    The view must write nothing on GET and read nothing but the database, the session and the request's path."""
    view.signed_in_page_cache = True
    return view


def snapshot() -> str | None:
    """The database's current snapshot as text, or None where pages are not kept: another database than
    PostgreSQL, inside a transaction (its own uncommitted writes do not move the snapshot), no database."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(SNAPSHOT_SQL)
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


class SignedInVisitor:
    """Who a page served from the cache was for, as the access line (core/requestid.py) reads it."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk: str):
        self.pk = pk


@functools.lru_cache(maxsize=4096)
def marked(path: str, mark: str) -> bool:
    """Whether the view at `path` carries `mark` (`signed_in_page_cache`, public/cache.py's `public_page_cache`);
    kept per path, since resolving walks every URL pattern. Forgotten when the URLconf changes (tests)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, mark, False)


@receiver(setting_changed)
def _urls_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        marked.cache_clear()


def _session_and_page(request) -> tuple[dict, tuple | None, str] | None:
    """The session's data, read as SessionMiddleware would (the cache first with cached_db), the page stored for
    the session and this request (None if none), and the page's key. The session and the page are asked for in
    one round trip when the session is kept in the same cache (under load every round trip counts)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    if not store.session_key:  # not a well-formed key
        return None
    page_key = _key(request, store.session_key)
    session_cache_key = getattr(store, "cache_key", None)
    if session_cache_key is not None and settings.SESSION_CACHE_ALIAS == "default":
        found = cache.get_many([session_cache_key, page_key])
        data = found.get(session_cache_key)
        if data is None:  # not in the cache: from the database, as load() reads it (and puts it back)
            data = store.load()
        stored = found.get(page_key)
    else:
        data, stored = store.load(), cache.get(page_key)
    if SESSION_USER_KEY not in data or SESSION_MESSAGES_KEY in data:
        return None
    return data, stored, page_key


def _key(request, session_key: str) -> str:
    digest = hashlib.sha256()
    for part in (
        session_key,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"signed-in-page:{digest.hexdigest()}"


def _digest(data: dict) -> str:
    """The session's data as a stored page must have seen it (who is signed in, whether the second step was
    passed, anything kept between requests)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _storable(request, response, user_id: str) -> bool:
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and all(name == settings.CSRF_COOKIE_NAME and morsel.value == csrf for name, morsel in response.cookies.items())
        and user is not None
        and user.is_authenticated
        and str(user.pk) == user_id
        and session is not None
        and not session.modified
    )


class SignedInPageCacheMiddleware:
    """A signed-in GET/HEAD request for a marked page: answered from the cache when the stored page was rendered
    for the same session at the same database snapshot; otherwise rendered by the rest of the stack and stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            settings.SIGNED_IN_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and marked(request.path_info, "signed_in_page_cache")
        ):
            return self.get_response(request)
        found = _session_and_page(request)
        now = snapshot() if found else None
        if now is None:
            return self.get_response(request)
        data, stored, key = found
        user_id, seen = str(data[SESSION_USER_KEY]), _digest(data)
        if stored is not None and stored[0] == now and stored[3] == seen:
            request.user = SignedInVisitor(user_id)
            return HttpResponse(stored[1], headers=stored[2])
        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response, user_id):
            cache.set(key, (now, response.content, dict(response.headers), seen), TIMEOUT)
        return response
