"""In-process implementations for the embedded default (one server process)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from server.bus.base import LockTimeout, MessageHandler, ReconnectHandler


class MemoryBus:
    def __init__(self) -> None:
        self._topics: set[str] = set()
        self._on_message: MessageHandler | None = None

    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        self._on_message = on_message

    async def publish(self, topic: str, data: str) -> None:
        if self._on_message is not None and topic in self._topics:
            self._on_message(topic, data)

    async def publish_many(self, items: Sequence[tuple[str, str]]) -> None:
        for topic, data in items:
            await self.publish(topic, data)

    async def subscribe(self, topic: str) -> None:
        self._topics.add(topic)

    async def unsubscribe(self, topic: str) -> None:
        self._topics.discard(topic)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._topics.clear()


class MemoryRateLimiter:
    """Fixed-window counters; expired windows are dropped as they are met."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, limit: int, window_s: int) -> bool:
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= window_s:
            start, count = now, 0
        count += 1
        self._windows[key] = (start, count)
        if len(self._windows) > 100_000:
            self._prune(now, window_s)
        return count <= limit

    async def count(self, key: str, window_s: int) -> int:
        start, count = self._windows.get(key, (0.0, 0))
        return count if time.monotonic() - start < window_s else 0

    async def reset(self, key: str) -> None:
        """Forget `key` and every key below it (`key:…`), as the Redis limiter does."""
        for name in [k for k in self._windows if k == key or k.startswith(key + ":")]:
            del self._windows[name]

    async def give_back(self, key: str, window_s: int) -> None:
        start, count = self._windows.get(key, (0.0, 0))
        if count > 0 and time.monotonic() - start < window_s:
            self._windows[key] = (start, count - 1)

    def _prune(self, now: float, window_s: int) -> None:
        for key in [k for k, (s, _) in self._windows.items() if now - s >= window_s]:
            del self._windows[key]


class MemoryPresence:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, float]] = {}

    async def set(self, staff_id: str, status: str, ttl_s: float) -> None:
        self._entries[staff_id] = (status, time.monotonic() + ttl_s)

    async def remove(self, staff_id: str) -> None:
        self._entries.pop(staff_id, None)

    async def all(self) -> dict[str, str]:
        now = time.monotonic()
        expired = [k for k, (_, exp) in self._entries.items() if exp <= now]
        for key in expired:
            del self._entries[key]
        return {k: status for k, (status, _) in self._entries.items()}


class MemoryLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, name: str, timeout_s: float) -> AsyncIterator[None]:
        lock, users = self._locks.get(name, (asyncio.Lock(), 0))
        self._locks[name] = (lock, users + 1)
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout_s)
            except TimeoutError:
                raise LockTimeout(f"could not acquire lock within {timeout_s:.0f} s") from None
            try:
                yield
            finally:
                lock.release()
        finally:
            lock, users = self._locks[name]
            if users <= 1:
                del self._locks[name]
            else:
                self._locks[name] = (lock, users - 1)
