"""What every service function gets: settings, database, coordination backends, bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.api import Bot
from server.bus.factory import Backends
from server.config import Settings
from server.protocol.frames import ServerFrame, encode
from server.services.message_writer import MessageWriter
from server.services.online import RecentCount, ResidentsOnline
from server.services.service_config import ConfigCache
from server.store.db import Database
from server.store.models import utcnow

Spawn = Callable[[Coroutine[Any, Any, Any], str], None]
_ORPHANS: set[asyncio.Task[Any]] = set()


@dataclass
class ServiceContext:
    settings: Settings
    db: Database
    backends: Backends
    bot: Bot
    clock: Callable[[], datetime] = utcnow
    started_monotonic: float = field(default_factory=time.monotonic)
    config_cache: ConfigCache = field(default_factory=ConfigCache)
    residents: ResidentsOnline = field(default_factory=ResidentsOnline)
    answering: RecentCount = field(default_factory=RecentCount)
    # Runs work after a state change without making the caller wait (the server passes its
    # TaskRegistry, which drains it at shutdown); None: a plain task held here.
    spawn: Spawn | None = None
    # Every message of this process is stored through it (group commit).
    writer: MessageWriter = field(default_factory=MessageWriter)

    def in_background(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        if self.spawn is not None:
            self.spawn(coro, name)
            return
        task = asyncio.create_task(coro, name=name)
        _ORPHANS.add(task)
        task.add_done_callback(_ORPHANS.discard)

    async def publish(self, topic: str, frame: ServerFrame) -> None:
        """Publish after the state change is committed (store first, then publish)."""
        await self.backends.bus.publish(topic, encode(frame))

    async def publish_many(self, frames: Sequence[tuple[str, ServerFrame]]) -> None:
        """Publish message frames of several chats in one go (`(chat_id, frame)` pairs)."""
        if frames:
            await self.backends.bus.publish_many(
                [(chat_topic(chat_id), encode(frame)) for chat_id, frame in frames])


def chat_topic(chat_id: str) -> str:
    return f"chat:{chat_id}"


def staff_topic(staff_id: str) -> str:
    return f"staff:{staff_id}"


QUEUE_TOPIC = "queue"
CONSULT_TOPIC = "consult"
