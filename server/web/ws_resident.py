"""The resident socket (/ws/v1/resident): hello, then chat frames for one chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from server import metrics
from server.bus.hub import Hub
from server.protocol import client as c
from server.protocol import frames as f
from server.services import chats, closing, lifecycle, queue, resident_presence
from server.services.context import ServiceContext, chat_topic
from server.services.errors import RateLimited, ServiceError, Unauthorized
from server.services.posting import post_resident_message
from server.store.models import Chat
from server.web.connection import Closing, Connection, Control
from server.web.tasks import TaskRegistry

CLOSE_UNAUTHORIZED = 4401
log = logging.getLogger(__name__)


class ResidentConnection(Connection):
    kind = "resident"
    frames = c.RESIDENT_FRAMES

    def __init__(self, ws: Any, ctx: ServiceContext, hub: Hub, tasks: TaskRegistry) -> None:
        super().__init__(ws, ctx, hub)
        self.tasks = tasks
        self.chat: Chat | None = None
        self._hello = asyncio.Event()

    def background(self) -> list[Coroutine[Any, Any, None]]:
        return [self._hello_deadline()]

    async def _hello_deadline(self) -> None:
        try:
            await asyncio.wait_for(self._hello.wait(), self.ctx.settings.hello_timeout_s)
        except TimeoutError:
            await self._send(f.ErrorFrame(code="unauthorized", message="send hello first"))
            self.stop(CLOSE_UNAUTHORIZED, "no hello")

    async def on_closed(self) -> None:
        if self.chat is None:
            return
        try:
            await resident_presence.resident_disconnected(self.ctx, self.chat.id)
        except Exception as exc:  # e.g. the database is down: the sweeper's heartbeat heals it
            log.warning("could not record a resident leaving (%s)", type(exc).__name__)

    def handlers(self) -> dict[str, Callable[[Any], Awaitable[None]]]:
        if self.chat is None:
            return {"hello": self.on_hello}
        return {
            "message.send": self.on_message, "typing": self.on_typing, "read": self.on_read,
            "handoff.request": self.on_handoff, "chat.close": self.on_close,
            "feedback.submit": self.on_feedback, "ping": self.on_ping, "hello": self.on_again,
        }

    async def dispatch(self, frame: Any) -> None:
        if self.chat is None and frame.type != "hello":
            await self._send(f.ErrorFrame(code="unauthorized", message="send hello first"))
            raise Closing(CLOSE_UNAUTHORIZED, "no hello")
        await super().dispatch(frame)

    async def _refuse(self, exc: ServiceError, raw: dict[str, Any]) -> None:
        if self.chat is None:
            # Before hello only a valid hello is accepted: anything else (garbage, a bomb,
            # a flood) ends the socket at once instead of after many refused frames.
            metrics.FRAME_ERRORS.labels(self.kind, "unauthorized").inc()
            await self._send(f.ErrorFrame(code="unauthorized", message="send a valid hello first"))
            raise Closing(CLOSE_UNAUTHORIZED, "no hello")
        await super()._refuse(exc, raw)

    def chat_of(self, frame: Any) -> str | None:
        return self.chat.id if self.chat is not None else None

    def wants(self, frame: f.ServerFrame) -> bool:
        if isinstance(frame, f.TypingFrame | f.ReadFrame):
            return getattr(frame, "author", getattr(frame, "by", None)) != "resident"
        return True

    async def on_hello(self, frame: c.Hello) -> None:
        try:
            chat = await chats.authenticate_resident(self.ctx, frame.chat_id, frame.token)
        except Unauthorized:
            log.info("resident hello refused: unknown chat or wrong token")
            await self._send(f.ErrorFrame(code="unauthorized", chat_id=frame.chat_id,
                                          message="unknown chat or wrong token"))
            raise Closing(CLOSE_UNAUTHORIZED, "unauthorized") from None
        self.chat = chat
        self._hello.set()
        await resident_presence.resident_connected(self.ctx, chat.id)
        await self.join(chat_topic(chat.id))
        # Frames delivered while joining are dropped: the welcome below reads the state and
        # the catch-up reads the messages after joining, so nothing is missed or repeated.
        self.ready = True
        last_seq = min(frame.last_seq, chat.last_seq)
        self.enqueue(Control(lambda: self._welcome(chat.id, last_seq)))

    async def _welcome(self, chat_id: str, last_seq: int) -> None:
        chat = await chats.get_chat(self.ctx, chat_id)
        await self._send(f.Welcome(chat_id=chat.id, state=chat.state,
                                   last_seq=chat.last_seq, lang=chat.lang))
        self.order.follow(chat.id, last_seq)
        await self.order.catch_up(chat.id, None)
        if chat.state == "queued":
            position = await queue.position_of(self.ctx, chat.id)
            if position is not None:
                await self._send(position)

    async def on_again(self, frame: c.Hello) -> None:
        raise RateLimited("already said hello on this connection")

    async def on_message(self, frame: c.ResidentMessageSend) -> None:
        assert self.chat is not None
        stored = await post_resident_message(self.ctx, self.chat.id, frame.text,
                                             frame.client_msg_id)
        self.enqueue(f.MessageAck(client_msg_id=frame.client_msg_id, seq=stored.frame.seq))
        if stored.created:
            metrics.MESSAGES.labels("resident").inc()

    async def on_typing(self, frame: c.ResidentTyping) -> None:
        assert self.chat is not None
        await chats.relay_typing(self.ctx, self.chat.id, "resident", frame.active)

    async def on_read(self, frame: c.ResidentRead) -> None:
        assert self.chat is not None
        await chats.mark_read(self.ctx, self.chat.id, "resident", frame.seq)

    async def on_handoff(self, frame: c.HandoffRequest) -> None:
        assert self.chat is not None
        await lifecycle.request_handoff(self.ctx, self.chat.id)

    async def on_close(self, frame: c.ResidentChatClose) -> None:
        assert self.chat is not None
        await closing.close_by_resident(self.ctx, self.chat.id)

    async def on_feedback(self, frame: c.FeedbackSubmit) -> None:
        assert self.chat is not None
        await chats.submit_feedback(self.ctx, self.chat.id, frame.score, frame.comment)
        self.enqueue(f.FeedbackAck(chat_id=self.chat.id))

    async def on_ping(self, frame: c.Ping) -> None:
        self.enqueue(f.Pong())
