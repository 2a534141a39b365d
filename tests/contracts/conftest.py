"""The coordination backends (server/bus/) as one contract: every test here runs on the
in-process implementation and on the Redis one (like Rasa's lock-store tests), so the two
cannot drift apart without a test saying so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
import redis
from redis.asyncio import Redis

from server.bus.base import Bus, Locks, Presence, RateLimiter
from server.bus.factory import Backends, make_backends
from tests.backends import fresh_redis_url

KINDS = ["memory", "redis"]


@dataclass
class Received:
    """What a bus delivered, in order, with a way to wait for a known message."""

    items: list[tuple[str, str]] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, topic: str, data: str) -> None:
        self.items.append((topic, data))
        self._changed.set()

    async def until(self, done: Callable[[list[tuple[str, str]]], bool],
                    timeout: float = 5.0) -> list[tuple[str, str]]:
        async with asyncio.timeout(timeout):
            while not done(self.items):
                self._changed.clear()
                await self._changed.wait()
        return list(self.items)

    async def until_data(self, data: str, timeout: float = 5.0) -> list[tuple[str, str]]:
        """Everything received up to and including the first message carrying `data`."""
        items = await self.until(lambda got: any(d == data for _, d in got), timeout)
        return items[:next(i for i, (_, d) in enumerate(items) if d == data) + 1]


@dataclass
class Kit:
    kind: str
    backends: Backends
    received: Received
    resyncs: list[int]
    redis_url: str | None = None

    @property
    def bus(self) -> Bus:
        return self.backends.bus

    @property
    def limiter(self) -> RateLimiter:
        return self.backends.limiter

    @property
    def presence(self) -> Presence:
        return self.backends.presence

    @property
    def locks(self) -> Locks:
        return self.backends.locks

    async def subscribe(self, topic: str) -> None:
        """Subscribe and wait until Redis has the subscription (a publish from another
        connection right after SUBSCRIBE may otherwise be processed first)."""
        await self.bus.subscribe(topic)
        await wait_subscribers(self.redis_url, topic, 1)

    async def unsubscribe(self, topic: str) -> None:
        await self.bus.unsubscribe(topic)
        await wait_subscribers(self.redis_url, topic, 0)


async def wait_subscribers(redis_url: str | None, topic: str, count: int,
                           timeout: float = 5.0) -> None:
    if redis_url is None:
        return
    client = Redis.from_url(redis_url)
    try:
        async with asyncio.timeout(timeout):
            while True:
                [(_, subscribers)] = await client.pubsub_numsub("neuvo:" + topic)
                if subscribers == count:
                    return
                await asyncio.sleep(0.01)
    finally:
        await client.aclose()


async def hold(kit: Kit, name: str, timeout_s: float) -> tuple[asyncio.Event, asyncio.Task[None]]:
    """Take the lock `name` in a task and keep it until the returned event is set."""
    held, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with kit.locks.lock(name, timeout_s):
            held.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await held.wait()
    return release, task


@pytest.fixture(scope="package")
def contract_redis_url() -> str:
    """One Redis database for the whole package; each test empties it first."""
    return fresh_redis_url()


@pytest.fixture(params=KINDS)
async def kit(request: pytest.FixtureRequest, contract_redis_url: str) -> AsyncIterator[Kit]:
    url = contract_redis_url if request.param == "redis" else None
    if url is not None:
        redis.Redis.from_url(url).flushdb()
    backends = make_backends(url)
    received, resyncs = Received(), []

    async def on_reconnect() -> None:
        resyncs.append(len(received.items))

    await backends.bus.start(received, on_reconnect)
    try:
        yield Kit(request.param, backends, received, resyncs, url)
    finally:
        await backends.close()
