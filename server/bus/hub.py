"""The hub: which local connections get which bus messages.

Connections join topics; the first local member subscribes the bus, the last one leaving
unsubscribes. A message is decoded once and handed to every local member without blocking.
"""

from __future__ import annotations

import logging
from typing import Protocol

from server.bus.base import Bus
from server.protocol.frames import ServerFrame, decode_server

log = logging.getLogger(__name__)


class Member(Protocol):
    def deliver(self, topic: str, frame: ServerFrame) -> None:
        """Take a frame without blocking (a slow member drops itself)."""
        ...

    def resync(self) -> None:
        """Live delivery may have missed messages (bus reconnect): catch up from the DB."""
        ...


class Hub:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self._members: dict[str, set[Member]] = {}

    async def start(self) -> None:
        await self.bus.start(self._on_message, self._on_reconnect)

    async def join(self, topic: str, member: Member) -> None:
        members = self._members.setdefault(topic, set())
        first = not members
        members.add(member)
        if first:
            await self.bus.subscribe(topic)

    async def leave(self, topic: str, member: Member) -> None:
        members = self._members.get(topic)
        if not members:
            return
        members.discard(member)
        if not members:
            del self._members[topic]
            await self.bus.unsubscribe(topic)

    def _on_message(self, topic: str, data: str) -> None:
        members = self._members.get(topic)
        if not members:
            return
        try:
            frame = decode_server(data)
        except ValueError:
            log.error("undecodable bus message on a %s topic", topic.split(":", 1)[0])
            return
        for member in list(members):
            member.deliver(topic, frame)

    async def _on_reconnect(self) -> None:
        for member in {m for members in self._members.values() for m in members}:
            member.resync()
