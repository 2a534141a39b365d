"""Redis implementations for several server processes (pub/sub, counters, presence, locks)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.bus.base import MessageHandler, ReconnectHandler

log = logging.getLogger(__name__)
CONTROL_CHANNEL = "control"
MAX_BACKOFF_S = 5.0


class RedisBus:
    """Pub/sub with one reader task that reconnects with capped backoff and resubscribes."""

    def __init__(self, client: Redis, prefix: str = "neuvo:") -> None:
        self._client = client
        self._prefix = prefix
        self._topics: set[str] = set()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._on_message: MessageHandler | None = None
        self._on_reconnect: ReconnectHandler | None = None

    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        self._on_message, self._on_reconnect = on_message, on_reconnect
        await self._connect()
        self._reader = asyncio.create_task(self._read_loop(), name="redis-bus-reader")

    async def _connect(self) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        channels = [self._prefix + CONTROL_CHANNEL, *(self._prefix + t for t in self._topics)]
        await pubsub.subscribe(*channels)
        self._pubsub = pubsub

    async def _read_loop(self) -> None:
        backoff = 0.1
        while True:
            try:
                assert self._pubsub is not None
                message = await self._pubsub.get_message(timeout=1.0)
                backoff = 0.1
                if message and message["type"] == "message":
                    self._deliver(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                log.warning("redis bus disconnected (%s); reconnecting in %.1fs",
                            type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                await self._reconnect()
            except Exception:
                log.exception("redis bus reader error; continuing")
                await asyncio.sleep(backoff)

    async def _reconnect(self) -> None:
        try:
            if self._pubsub is not None:
                await self._pubsub.aclose()
        except (RedisError, OSError):
            pass
        try:
            await self._connect()
        except (RedisError, OSError) as exc:
            log.warning("redis bus reconnect failed (%s)", type(exc).__name__)
            raise RedisConnectionError("reconnect failed") from exc
        log.info("redis bus reconnected; %d topics resubscribed", len(self._topics))
        if self._on_reconnect is not None:
            await self._on_reconnect()

    def _deliver(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        payload = data.decode() if isinstance(data, bytes) else data
        if self._on_message is not None and name.startswith(self._prefix):
            self._on_message(name[len(self._prefix):], payload)

    async def publish(self, topic: str, data: str) -> None:
        await self._client.publish(self._prefix + topic, data)

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
            try:
                await self._reader
            except asyncio.CancelledError:
                pass
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()
            except (RedisError, OSError):
                pass


class RedisRateLimiter:
    def __init__(self, client: Redis, prefix: str = "neuvo:rl:") -> None:
        self._client, self._prefix = client, prefix

    async def hit(self, key: str, limit: int, window_s: int) -> bool:
        window = int(time.time() // window_s)
        name = f"{self._prefix}{key}:{window}"
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_s + 1)
            count, _ = await pipe.execute()
        return int(count) <= limit

    async def count(self, key: str, window_s: int) -> int:
        window = int(time.time() // window_s)
        value = await self._client.get(f"{self._prefix}{key}:{window}")
        return int(value or 0)

    async def reset(self, key: str) -> None:
        async for name in self._client.scan_iter(match=f"{self._prefix}{key}:*"):
            await self._client.delete(name)


class RedisPresence:
    """A sorted set of staff ids scored by expiry time, and a hash of their statuses."""

    def __init__(self, client: Redis, prefix: str = "neuvo:presence") -> None:
        self._client = client
        self._zset, self._hash = f"{prefix}:expiry", f"{prefix}:status"

    async def set(self, staff_id: str, status: str, ttl_s: float) -> None:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.zadd(self._zset, {staff_id: time.time() + ttl_s})
            pipe.hset(self._hash, staff_id, status)
            await pipe.execute()

    async def remove(self, staff_id: str) -> None:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.zrem(self._zset, staff_id)
            pipe.hdel(self._hash, staff_id)
            await pipe.execute()

    async def all(self) -> dict[str, str]:
        now = time.time()
        ids = [i.decode() if isinstance(i, bytes) else i
               for i in await self._client.zrangebyscore(self._zset, now, "+inf")]
        if not ids:
            return {}
        statuses = await self._client.hmget(self._hash, ids)  # type: ignore[arg-type]
        return {str(sid): (st.decode() if isinstance(st, bytes) else st or "available")
                for sid, st in zip(ids, statuses, strict=True)}


class RedisLocks:
    def __init__(self, client: Redis, prefix: str = "neuvo:lock:") -> None:
        self._client, self._prefix = client, prefix

    @asynccontextmanager
    async def lock(self, name: str, timeout_s: float) -> AsyncIterator[None]:
        async with self._client.lock(self._prefix + name, timeout=timeout_s,
                                     blocking_timeout=timeout_s):
            yield
