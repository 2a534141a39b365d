"""Pick the coordination backends from configuration."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from server.bus.base import Bus, Locks, Presence, RateLimiter
from server.bus.memory import MemoryBus, MemoryLocks, MemoryPresence, MemoryRateLimiter
from server.bus.redis import RedisBus, RedisLocks, RedisPresence, RedisRateLimiter


@dataclass
class Backends:
    bus: Bus
    limiter: RateLimiter
    presence: Presence
    locks: Locks
    redis: Redis | None = None

    async def close(self) -> None:
        await self.bus.close()
        if self.redis is not None:
            await self.redis.aclose()


def make_backends(redis_url: str | None) -> Backends:
    if not redis_url:
        return Backends(MemoryBus(), MemoryRateLimiter(), MemoryPresence(), MemoryLocks())
    client = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5,
                            health_check_interval=10)
    return Backends(RedisBus(client), RedisRateLimiter(client), RedisPresence(client),
                    RedisLocks(client), redis=client)
