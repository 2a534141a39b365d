"""Redis implementations for several server processes (pub/sub, counters, presence, locks).

Redis going away must not break chats: the database is the source of truth. While Redis is
down, publishing is skipped (sockets catch up from the database when the bus reconnects),
rate limits and locks fall back to this process's memory, and presence answers with the
last snapshot it read (so no one's chats are requeued because Redis was unreachable).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.connection import BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.bus.base import LockTimeout, MessageHandler, ReconnectHandler
from server.bus.memory import MemoryLocks, MemoryRateLimiter

log = logging.getLogger(__name__)
CONTROL_CHANNEL = "control"
MAX_BACKOFF_S = 5.0
BUS_RECONNECTS = Counter("neuvo_bus_reconnects_total", "Redis bus reconnects")
BUS_CONNECTED = Gauge("neuvo_bus_connected", "1 while the Redis bus reader is subscribed")


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


class RedisBus:
    """Pub/sub with one reader task that reconnects with capped backoff and resubscribes."""

    def __init__(self, client: Redis, prefix: str = "neuvo:", *,
                 subscriber: Redis | None = None) -> None:
        self._client = client
        self._subscriber = subscriber or client
        self._prefix = prefix
        self._topics: set[str] = set()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._on_message: MessageHandler | None = None
        self._on_reconnect: ReconnectHandler | None = None
        self._missed = False  # a publish was skipped: receivers must catch up from the DB

    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        self._on_message, self._on_reconnect = on_message, on_reconnect
        await self._connect()
        self._reader = asyncio.create_task(self._read_loop(), name="redis-bus-reader")

    async def _connect(self) -> None:
        pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
        channels = [self._prefix + CONTROL_CHANNEL, *(self._prefix + t for t in self._topics)]
        await pubsub.subscribe(*channels)
        self._pubsub = pubsub
        BUS_CONNECTED.set(1)

    async def _read_loop(self) -> None:
        backoff = 0.1
        while True:
            try:
                if self._pubsub is None:
                    await self._reconnect()
                    backoff = 0.1
                    continue
                message = await self._pubsub.get_message(timeout=1.0)
                backoff = 0.1
                if self._missed:
                    await self._catch_up_missed()
                if message and message["type"] == "message":
                    self._deliver(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                if self._pubsub is not None:
                    log.warning("redis bus disconnected (%s); reconnecting", type(exc).__name__)
                    await self._drop_pubsub()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            except Exception:
                log.exception("redis bus reader error; continuing")
                await asyncio.sleep(backoff)

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        BUS_CONNECTED.set(0)
        if pubsub is not None:
            with suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _reconnect(self) -> None:
        """Subscribe again (raises while Redis is unreachable), then let every socket catch
        up from the database on what live delivery missed."""
        await self._connect()
        self._missed = False  # the catch-up below covers skipped publishes too
        BUS_RECONNECTS.inc()
        log.info("redis bus reconnected; %d topics resubscribed", len(self._topics))
        if self._on_reconnect is not None:
            await self._on_reconnect()

    async def _catch_up_missed(self) -> None:
        """A publish failed while this reader stayed subscribed (a short outage, or a pooled
        connection that went stale across a restart): once Redis answers again, every socket
        catches up from the database, as after a reconnect."""
        await self._client.ping()  # raises while Redis is still unreachable
        self._missed = False
        log.info("redis reachable again after a skipped publish; sockets catch up")
        if self._on_reconnect is not None:
            await self._on_reconnect()

    def _deliver(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        payload = data.decode() if isinstance(data, bytes) else data
        if self._on_message is not None and name.startswith(self._prefix):
            self._on_message(name[len(self._prefix):], payload)

    async def publish(self, topic: str, data: str) -> None:
        try:
            await self._client.publish(self._prefix + topic, data)
        except (RedisError, OSError) as exc:
            # Already committed: receivers catch up from the database when the bus is back.
            self._missed = True
            log.warning("bus publish skipped, redis unavailable (%s)", type(exc).__name__)

    async def publish_many(self, items: Sequence[tuple[str, str]]) -> None:
        if len(items) == 1:
            await self.publish(*items[0])
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for topic, data in items:
                    pipe.publish(self._prefix + topic, data)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._missed = True
            log.warning("bus publish of %d skipped, redis unavailable (%s)", len(items),
                        type(exc).__name__)

    async def subscribe(self, topic: str) -> None:
        self._topics.add(topic)
        if self._pubsub is not None:
            try:
                await self._pubsub.subscribe(self._prefix + topic)
            except (RedisError, OSError):
                log.warning("subscribe failed; the reader will resubscribe on reconnect")

    async def unsubscribe(self, topic: str) -> None:
        self._topics.discard(topic)
        if self._pubsub is not None:
            try:
                await self._pubsub.unsubscribe(self._prefix + topic)
            except (RedisError, OSError):
                pass

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError, RedisError, OSError):
                await self._reader
        await self._drop_pubsub()


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
