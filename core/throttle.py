"""Rate limits for public endpoints that are cheap to abuse, and the Permissions-Policy header."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
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


class PermissionsPolicyMiddleware:
    """Deny powerful browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        return response
