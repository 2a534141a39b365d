"""Pick the coordination backends from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from server.bus.base import Bus, Locks, Presence, RateLimiter
from server.bus.memory import MemoryBus, MemoryLocks, MemoryPresence, MemoryRateLimiter
from server.bus.redis import (
    RedisLocks,
    RedisPresence,
    RedisRateLimiter,
    WaitingPool,
)
from server.bus.redis_bus import RedisBus


@dataclass
class Backends:
    bus: Bus
    limiter: RateLimiter
    presence: Presence
    locks: Locks
    redis: Redis | None = None
    extra_clients: list[Redis] = field(default_factory=list)

    async def close(self) -> None:
        await self.bus.close()
        for client in [self.redis, *self.extra_clients]:
            if client is not None:
                await client.aclose()
        if self.redis is not None:
            # The client was given its pool, so closing the client leaves the pool's
            # connections open: close them too (no unclosed sockets at shutdown).
            await self.redis.connection_pool.disconnect()


def make_backends(redis_url: str | None, pool_size: int = 64,
                  pool_timeout_s: float = 5.0) -> Backends:
    """`pool_size` connections at most (NEUVO_REDIS_POOL_SIZE); when all are busy a caller
    waits up to `pool_timeout_s` for one rather than failing (NEUVO_REDIS_POOL_TIMEOUT_S)."""
    if not redis_url:
        return Backends(MemoryBus(), MemoryRateLimiter(), MemoryPresence(), MemoryLocks())
    pool = WaitingPool.from_url(redis_url, max_connections=pool_size, timeout=pool_timeout_s,
                                socket_connect_timeout=2, socket_timeout=5,
                                health_check_interval=10,
                                # A pooled connection left over from before a Redis restart
                                # fails once; the command is retried on a fresh connection.
                                retry=Retry(NoBackoff(), 1))
    client = Redis(connection_pool=pool)
    # The subscriber has its own connection WITHOUT that retry: redis-py would otherwise
    # reconnect and resubscribe inside get_message, the bus would never see the drop and
    # sockets would not catch up on what was published in the gap.
    subscriber = Redis.from_url(redis_url, socket_connect_timeout=2, health_check_interval=10)
    return Backends(RedisBus(client, subscriber=subscriber), RedisRateLimiter(client),
                    RedisPresence(client), RedisLocks(client), redis=client,
                    extra_clients=[subscriber])
