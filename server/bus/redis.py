"""Redis implementations for several server processes: counters, presence, locks, and the
connection pool they share (the pub/sub bus is in redis_bus.py).

Redis going away must not break chats: the database is the source of truth. While Redis is
down, publishing is skipped (sockets catch up from the database when the bus reconnects),
rate limits and locks fall back to this process's memory, and presence answers with the
last snapshot it read (so no one's chats are requeued because Redis was unreachable).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.bus.base import LockTimeout
from server.bus.memory import MemoryLocks, MemoryRateLimiter

log = logging.getLogger(__name__)


class PoolExhausted(MaxConnectionsError):
    """Every pooled connection stayed busy for the whole wait: Redis is busy, not gone."""


class WaitingPool(BlockingConnectionPool):
    """A bounded pool where a caller waits for a free connection; a wait that times out
    raises PoolExhausted rather than a plain ConnectionError (which means unreachable)."""

    async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().get_connection(*args, **kwargs)  # type: ignore[no-untyped-call]
        except RedisConnectionError as exc:
            if isinstance(exc.__cause__, asyncio.TimeoutError):
                raise PoolExhausted("no free redis connection in the pool") from exc
            raise


def unreachable(exc: BaseException) -> bool:
    """Fall back to this process only when Redis cannot be reached (refused, reset, timed
    out) — never because the pool was busy: then the shared state must still be used."""
    if isinstance(exc, MaxConnectionsError):
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError | OSError)


_GIVE_BACK = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisRateLimiter:
    """Fixed-window counters shared by all processes; per-process counters while Redis is
    unreachable (limits stay in force, per process)."""

    def __init__(self, client: Redis, prefix: str = "neuvo:rl:") -> None:
        self._client, self._prefix = client, prefix
        self._fallback = MemoryRateLimiter()

    async def hit(self, key: str, limit: int, window_s: int) -> bool:
        window = int(time.time() // window_s)
        name = f"{self._prefix}{key}:{window}"
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window_s + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            if not unreachable(exc):
                raise
            log.warning("rate limit counted in memory, redis unavailable (%s)", type(exc).__name__)
            return await self._fallback.hit(key, limit, window_s)
        return int(count) <= limit

    async def count(self, key: str, window_s: int) -> int:
        window = int(time.time() // window_s)
        try:
            value = await self._client.get(f"{self._prefix}{key}:{window}")
        except (RedisError, OSError) as exc:
            if not unreachable(exc):
                raise
            return await self._fallback.count(key, window_s)
        return max(int(value or 0), await self._fallback.count(key, window_s))

    async def give_back(self, key: str, window_s: int) -> None:
        window = int(time.time() // window_s)
        try:
            await self._client.eval(_GIVE_BACK, 1, f"{self._prefix}{key}:{window}")
        except (RedisError, OSError) as exc:
            if not unreachable(exc):
                raise
            await self._fallback.give_back(key, window_s)

    async def reset(self, key: str) -> None:
        """Forget `key` and every key below it (`key:…`)."""
        await self._fallback.reset(key)
        async for name in self._client.scan_iter(match=f"{self._prefix}{key}:*"):
            await self._client.delete(name)


class RedisPresence:
    """A sorted set of staff ids scored by expiry time, and a hash of their statuses."""

    def __init__(self, client: Redis, prefix: str = "neuvo:presence") -> None:
        self._client = client
        self._zset, self._hash = f"{prefix}:expiry", f"{prefix}:status"
        self._last: dict[str, str] = {}

    async def set(self, staff_id: str, status: str, ttl_s: float) -> None:
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zadd(self._zset, {staff_id: time.time() + ttl_s})
                pipe.hset(self._hash, staff_id, status)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence not refreshed, redis unavailable (%s)", type(exc).__name__)

    async def remove(self, staff_id: str) -> None:
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zrem(self._zset, staff_id)
                pipe.hdel(self._hash, staff_id)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence not removed, redis unavailable (%s)", type(exc).__name__)

    async def all(self) -> dict[str, str]:
        """Who is present; while Redis is unreachable, the last answer it gave."""
        now = time.time()
        try:
            ids = [i.decode() if isinstance(i, bytes) else i
                   for i in await self._client.zrangebyscore(self._zset, now, "+inf")]
            statuses = await self._client.hmget(self._hash, ids) if ids else []  # type: ignore[arg-type]
        except (RedisError, OSError) as exc:
            log.warning("presence from the last snapshot, redis unavailable (%s)",
                        type(exc).__name__)
            return dict(self._last)
        self._last = {str(sid): (st.decode() if isinstance(st, bytes) else st or "available")
                      for sid, st in zip(ids, statuses, strict=True)}
        return dict(self._last)


class RedisLocks:
    """Locks across processes; a process-local lock while Redis is unreachable."""

    def __init__(self, client: Redis, prefix: str = "neuvo:lock:") -> None:
        self._client, self._prefix = client, prefix
        self._fallback = MemoryLocks()

    @asynccontextmanager
    async def lock(self, name: str, timeout_s: float) -> AsyncIterator[None]:
        lock = self._client.lock(self._prefix + name, timeout=timeout_s,
                                 blocking_timeout=timeout_s)
        try:
            acquired: bool | None = await lock.acquire()
        except (RedisError, OSError) as exc:
            if not unreachable(exc):
                raise
            log.warning("process-local lock, redis unavailable (%s)", type(exc).__name__)
            acquired = None
        if acquired is None:
            async with self._fallback.lock(name, timeout_s):
                yield
            return
        if not acquired:
            raise LockTimeout(f"could not acquire lock within {timeout_s:.0f} s")
        try:
            yield
        finally:
            with suppress(RedisError, OSError):
                await lock.release()
