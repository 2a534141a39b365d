"""The coordination seams: live delivery (Bus), rate limits, presence and per-chat locks.

Two implementations of each: `memory` (one process) and `redis` (many processes), picked by
NEUVO_REDIS_URL. Adapters only move bytes; the hub decides who gets what. The database stays
the source of truth: nothing here is needed to recover a conversation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

MessageHandler = Callable[[str, str], None]
ReconnectHandler = Callable[[], Awaitable[None]]


class Bus(Protocol):
    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        """Begin delivering messages of subscribed topics to `on_message(topic, data)`."""
        ...

    async def publish(self, topic: str, data: str) -> None: ...

    async def publish_many(self, items: Sequence[tuple[str, str]]) -> None:
        """Publish `(topic, data)` pairs in order, in one round trip where the backend can."""
        ...

    async def subscribe(self, topic: str) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...

    async def ping(self) -> None:
        """Raise if the backend is unreachable (for /readyz)."""
        ...

    async def close(self) -> None: ...


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> bool:
        """Count one event for `key`; False when `limit` per `window_s` is exceeded."""
        ...

    async def count(self, key: str, window_s: int) -> int:
        """Events counted for `key` in the current window."""
        ...

    async def reset(self, key: str) -> None: ...

    async def give_back(self, key: str, window_s: int) -> None:
        """Undo one counted event of the current window (it turned out to cost nothing, e.g.
        a resend of a message already stored); never below zero."""
        ...


class Presence(Protocol):
    async def set(self, staff_id: str, status: str, ttl_s: float) -> None: ...

    async def remove(self, staff_id: str) -> None: ...

    async def all(self) -> dict[str, str]:
        """Staff ids with an unexpired presence, and their status."""
        ...


class LockTimeout(TimeoutError):
    """The lock stayed held by someone else for the whole `timeout_s`."""


class Locks(Protocol):
    def lock(self, name: str, timeout_s: float) -> AbstractAsyncContextManager[None]:
        """A mutual-exclusion lock across every process sharing the backend. Waits at most
        `timeout_s` for it (then LockTimeout); a holder keeps it at most `timeout_s` in Redis
        (a crashed process cannot block others for longer)."""
        ...
