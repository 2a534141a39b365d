"""Per-chat seq order of one socket's outgoing chat messages.

Live delivery through the bus and replay from the store overlap and can arrive out of order
(another process commits first, a publish is skipped while Redis is down). `ChatOrder` sends
each followed chat's messages strictly in seq order: duplicates are dropped and a gap is
filled from the database before the newer message goes out. It runs only inside the
connection's send task, the socket's one writer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from server.protocol.frames import MessageCreated, ServerFrame
from server.services.context import ServiceContext
from server.services.messages import messages_after

PAGE = 200


@dataclass(frozen=True)
class CatchUp:
    """Queue item: send every stored message of `chat_id` after the last one sent (up to
    `upto`)."""

    chat_id: str
    upto: int | None = None


class ChatOrder:
    def __init__(self, ctx: ServiceContext, send: Callable[[ServerFrame], Awaitable[None]]) -> None:
        self.ctx, self._send = ctx, send
        self._sent: dict[str, int] = {}  # chat id → last seq sent

    def follow(self, chat_id: str, after_seq: int) -> None:
        """Start sending this chat's messages after `after_seq` (call from the send task or
        before any frame of the chat is queued)."""
        self._sent[chat_id] = after_seq

    def unfollow(self, chat_id: str) -> None:
        self._sent.pop(chat_id, None)

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._sent

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._sent))

    def __len__(self) -> int:
        return len(self._sent)

    async def send(self, frame: MessageCreated) -> None:
        assert frame.chat_id is not None
        last = self._sent.get(frame.chat_id)
        if last is None:
            return  # not following this chat (any more)
        if frame.seq <= last:
            return  # already sent (replay and live delivery overlap)
        if frame.seq > last + 1:
            await self.catch_up(frame.chat_id, frame.seq - 1)
        await self._send(frame)
        self._sent[frame.chat_id] = frame.seq

    async def catch_up(self, chat_id: str, upto: int | None) -> None:
        while chat_id in self._sent:
            page = await messages_after(self.ctx, chat_id, self._sent[chat_id], upto, PAGE)
            for message in page:
                await self._send(message)
                self._sent[chat_id] = message.seq
            if len(page) < PAGE:
                return
