"""A busy Redis is not a missing Redis (issue 9, item 21): with every pooled connection in use,
callers wait for one and the shared counters and locks are still used; only an unreachable
Redis makes a process fall back to its own memory."""

from __future__ import annotations

import asyncio

import pytest
import redis

from server.bus.factory import make_backends
from server.bus.redis import RedisLocks, RedisRateLimiter
from tests.backends import fresh_redis_url


async def test_tiny_pool_under_concurrent_hits_still_counts_in_redis() -> None:
    url = fresh_redis_url()
    backends = make_backends(url, pool_size=2, pool_timeout_s=10)
    try:
        limiter = backends.limiter
        assert isinstance(limiter, RedisRateLimiter)
        allowed = await asyncio.gather(*(limiter.hit("burst", 1000, 60) for _ in range(200)))
        assert all(allowed)
        # Every hit reached the shared counter; none was counted in process memory.
        assert await limiter.count("burst", 60) == 200
        assert await limiter._fallback.count("burst", 60) == 0
        keys = redis.Redis.from_url(url).keys("neuvo:rl:burst:*")
        assert len(keys) == 1 and int(redis.Redis.from_url(url).get(keys[0]) or 0) == 200

        locks = backends.locks
        assert isinstance(locks, RedisLocks)
        inside: list[int] = []

        async def critical(i: int) -> None:
            async with locks.lock("shared", 10):
                inside.append(i)
                assert len(inside) == 1
                await asyncio.sleep(0)
                inside.remove(i)

        fallback_uses = 0
        original = locks._fallback.lock

        def counting(name: str, timeout_s: float):  # type: ignore[no-untyped-def]
            nonlocal fallback_uses
            fallback_uses += 1
            return original(name, timeout_s)

        locks._fallback.lock = counting  # type: ignore[method-assign]
        await asyncio.gather(*(critical(i) for i in range(30)))
        assert fallback_uses == 0
    finally:
        await backends.close()


async def test_exhausted_pool_is_an_outage_not_a_fallback() -> None:
    """With every connection busy past the wait, the caller gets an error (mapped to
    `unavailable` / 503) instead of a silent per-process counter."""
    from server.bus.redis import PoolExhausted
    from server.web.security import outage

    backends = make_backends(fresh_redis_url(), pool_size=2, pool_timeout_s=0.2)
    try:
        client = backends.redis
        assert client is not None
        async def block(i: int) -> None:
            await client.blpop([f"never:{i}"], timeout=3)

        blockers = [asyncio.create_task(block(i)) for i in range(2)]
        pool = client.connection_pool
        deadline = asyncio.get_running_loop().time() + 2
        while len(pool._in_use_connections) < 2:  # both connections taken by BLPOP
            assert asyncio.get_running_loop().time() < deadline, "BLPOP never started"
            await asyncio.sleep(0.01)
        limiter = backends.limiter
        assert isinstance(limiter, RedisRateLimiter)
        with pytest.raises(PoolExhausted) as raised:
            await limiter.hit("busy", 10, 60)
        assert outage(raised.value)
        assert await limiter._fallback.count("busy", 60) == 0
        for task in blockers:
            task.cancel()
        await asyncio.gather(*blockers, return_exceptions=True)
    finally:
        await backends.close()
