"""Pooled Redis connections that went stale (a Redis restart, an idle timeout, a proxy that
dropped them) must not cost live delivery: a command retries once on a fresh connection, and a
publish that was still skipped makes every socket catch up from the database once Redis
answers again. Found by CI: after a restart the first publish went out on a dead connection
and the resident never saw the counsellor's next message."""

from __future__ import annotations

import asyncio

import redis
from redis.asyncio import Redis

from server.bus.factory import make_backends
from server.bus.redis_bus import RedisBus
from tests.backends import fresh_redis_url


def kill_normal_clients(url: str) -> None:
    """Close every plain (non-pub/sub) client connection on the server, as a restart would,
    while the bus's subscriber connection stays up."""
    admin = redis.Redis.from_url(url)
    admin.client_kill_filter(_type="normal", skipme=True)


async def test_publish_on_a_stale_pooled_connection_is_retried() -> None:
    url = fresh_redis_url()
    backends = make_backends(url)
    received: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    async def no_catch_up() -> None:
        raise AssertionError("no catch-up is needed when the publish was retried")

    try:
        bus = backends.bus
        await bus.start(lambda topic, data: received.put_nowait((topic, data)), no_catch_up)
        await bus.subscribe("chat:stale")
        await bus.publish("chat:stale", "before")
        assert await asyncio.wait_for(received.get(), 5) == ("chat:stale", "before")
        kill_normal_clients(url)
        await bus.publish("chat:stale", "after")
        assert await asyncio.wait_for(received.get(), 5) == ("chat:stale", "after")
    finally:
        await backends.close()


async def test_a_skipped_publish_makes_sockets_catch_up_once_redis_answers() -> None:
    url = fresh_redis_url()
    # A client without the retry, so the stale connection does fail the publish.
    client = Redis.from_url(url)
    bus = RedisBus(client)
    caught_up = asyncio.Event()

    async def on_reconnect() -> None:
        caught_up.set()

    try:
        await bus.start(lambda topic, data: None, on_reconnect)
        await bus.subscribe("chat:skipped")
        await bus.publish("chat:skipped", "warm up the pooled connection")
        kill_normal_clients(url)
        await bus.publish("chat:skipped", "lost live")
        assert bus._missed
        await asyncio.wait_for(caught_up.wait(), 5)
        assert not bus._missed
    finally:
        await bus.close()
        await client.aclose()
