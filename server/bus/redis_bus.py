"""The Redis pub/sub bus for several server processes: one reader task that reconnects with
capped backoff, resubscribes and makes every socket catch up from the database.

Redis going away must not break chats: the database is the source of truth. While Redis is
down, publishing is skipped and sockets catch up when the bus is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.bus.base import MessageHandler, ReconnectHandler
from server.metrics import BUS_CONNECTED, BUS_RECONNECTS

log = logging.getLogger(__name__)
CONTROL_CHANNEL = "control"
MAX_BACKOFF_S = 5.0


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
