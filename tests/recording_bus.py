"""A recording bus: a real `Bus` (in-process delivery, like MemoryBus) that also keeps every
published frame, decoded, so a test can assert "this action published exactly these events"
(Zulip's capture_send_event_calls)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from server.bus.memory import MemoryBus
from server.protocol.frames import ServerFrame, decode_server


@dataclass(frozen=True)
class Published:
    topic: str
    frame: ServerFrame

    @property
    def type(self) -> str:
        return str(getattr(self.frame, "type"))  # noqa: B009 - every ServerFrame has one

    def fields(self) -> dict[str, Any]:
        return self.frame.model_dump()


class RecordingBus(MemoryBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[Published] = []

    async def publish(self, topic: str, data: str) -> None:
        # Decoding here also checks that every published frame survives the bus encoding.
        self.published.append(Published(topic, decode_server(data)))
        await super().publish(topic, data)

    @contextmanager
    def capture(self) -> Iterator[list[Published]]:
        """The frames published inside the block, in order."""
        captured: list[Published] = []
        start = len(self.published)
        try:
            yield captured
        finally:
            captured.extend(self.published[start:])

    def kinds(self, events: list[Published]) -> list[tuple[str, str]]:
        """(topic, frame type) of each event, the shape most assertions need."""
        return [(e.topic, e.type) for e in events]
