"""Rate limits for public endpoints that are cheap to abuse, the throttle on failed sign-ins per address, and the
Permissions-Policy header."""

import hashlib
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone


def client_address(request) -> str:
    """The visitor's address: behind TRUSTED_PROXY_COUNT reverse proxies, read from X-Forwarded-For.

    Each trusted proxy appends the address it saw, so the visitor's is that many entries from the end;
    anything further left was written by the client and is not trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def hit(name: str, who: str) -> tuple[int, int]:
    """Count one request of `who` (hashed) under the limit `name` in the current minute: (requests this minute,
    seconds until the next minute). A fixed window in the cache, shared by every worker."""
    now = timezone.now()
    key = f"rl:{name}:{now:%Y%m%d%H%M}:" + hashlib.sha256(who.encode()).hexdigest()[:24]
    if cache.add(key, 1, 70):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 70)
            count = 1
    return count, 60 - now.second


def rate_limit(name: str):
    """Allow settings.RATE_LIMITS[name] requests per client address and minute; then answer 429 in Chinese."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limit = settings.RATE_LIMITS[name]
            count, _ = hit(name, client_address(request))
            if count > limit:
                response = render(request, "429.html", {"limit": limit}, status=429)
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def sign_in_failures_from(address: str) -> int:
    """Failed sign-ins (wrong passwords and wrong second-factor codes, whatever the user name) from `address` in the
    last LOGIN_ADDRESS_WINDOW_MINUTES, as django-axes logs them one row each (AccessFailureLog)."""
    from axes.models import AccessFailureLog  # a model: imported once the apps are loaded

    if not address:
        return 0
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()


class SignInSprayMiddleware:
    """Password spraying: one address trying a few passwords on many user names never meets django-axes's lockout
    (it counts per user name and address). Once LOGIN_FAILURES_PER_ADDRESS sign-ins failed from an address within
    LOGIN_ADDRESS_WINDOW_MINUTES, every further attempt from it (at each sign-in form: the portal's, the admin's and
    the second-factor code) is refused with 429 until the window has moved past enough of them.

    The count is read from the database, where axes writes each failure, not from Redis: a Redis outage neither opens
    nor closes this throttle (core/cache.py), and every web node sees the same count. Behind a proxy the address is
    the one TRUSTED_PROXY_COUNT resolves (client_address), so one visitor does not throttle everyone behind nginx.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: set[str] | None = None

    def __call__(self, request):
        if request.method == "POST" and settings.AXES_ENABLED:
            if self._paths is None:
                self._paths = {reverse(name) for name in settings.LOGIN_THROTTLED_URLS}
            if request.path_info in self._paths:
                limit = settings.LOGIN_FAILURES_PER_ADDRESS
                if sign_in_failures_from(client_address(request)) >= limit:
                    minutes = settings.LOGIN_ADDRESS_WINDOW_MINUTES
                    context = {"limit": limit, "minutes": minutes}
                    response = render(request, "registration/address_throttled.html", context, status=429)
                    response["Retry-After"] = str(minutes * 60)
                    return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Deny powerful browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        return response
