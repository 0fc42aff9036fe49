"""A Redis cache that degrades instead of failing (issue 19, point 4).

The cache only ever saves work: sessions are `cached_db` (the database has them), public pages render
from the database, rate-limit counters are a courtesy. So when Redis is unreachable every read is a miss,
every write is dropped, and the request goes on; one WARNING per outage says so. While Redis is down the
cache waits DOWN_RETRY_SECONDS between attempts, so requests do not each pay a connection timeout.

What each user of the cache does meanwhile:
- sessions (`cached_db`): read from and written to the database; sign-in works;
- public pages (public/cache.py): served uncached; a change made meanwhile bumps the pages' version as
  soon as Redis answers again (`on_recovery`), so no page from before the outage is served stale;
- rate limits (core/throttle.py): fail open: a minute's count starts at 1, nobody is refused;
- lockouts (django-axes): kept in the database, unaffected;
- the throttle on failed sign-ins per address (core/throttle.py SignInSprayMiddleware): counted from axes's
  failure log in the database, unaffected (neither fail-open nor fail-closed: it does not use Redis);
- e-mail: the Celery broker is down too; the outbox rows wait for the beat's sweep (core/notifications.py).
"""

import logging
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
DOWN_RETRY_SECONDS = 5.0

_recovery_hooks: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> Callable[[], None]:
    """Run `hook()` in this process when the cache answers again after an outage it saw."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)
    return hook


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.down_since: float | None = None
        self._last_try = 0.0

    def _call(self, operation: Callable, fallback):
        if self.down_since is not None:
            if time.monotonic() - self._last_try < DOWN_RETRY_SECONDS:
                return fallback
            self._last_try = time.monotonic()
            try:
                self._cache.get_client(write=True).ping()
            except UNREACHABLE:
                return fallback
            self.down_since = None
            logger.warning("Redis cache answers again")
            for hook in list(_recovery_hooks):  # before the operation, so it already sees their effect
                hook()
        try:
            return operation()
        except UNREACHABLE:
            self.down_since = self._last_try = time.monotonic()
            logger.warning("Redis cache unreachable: serving uncached until it answers again", exc_info=True)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key, default=None, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read counts from where the caller starts it: 1 more than nothing.
        return self._call(lambda: super(DegradingRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        return self._call(lambda: super(DegradingRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call(lambda: super(DegradingRedisCache, self).clear(), False)

    # Announcements between processes (public/cache.py: each process hears of a new version of the public
    # pages without asking). A channel is the Redis server's, not a database's nor a key prefix's.

    def publish(self, channel: str, message: str = "") -> None:
        """Announce on `channel`; dropped, like a write, while Redis is unreachable."""
        self._call(lambda: self._cache.get_client(write=True).publish(channel, message), None)

    def subscribe(self, channel: str):
        """A subscription to `channel` on a connection of its own, already confirmed by the server (whatever is
        announced from now on reaches it). Raises when Redis is unreachable: the subscriber decides what to do."""
        subscription = self._cache.get_client(write=True).pubsub()
        subscription.subscribe(channel)
        while (confirmation := subscription.get_message(timeout=1.0)) is None or confirmation["type"] != "subscribe":
            if confirmation is None:
                subscription.close()
                raise RedisTimeoutError(f"no confirmation of the subscription to {channel}")
        return subscription
