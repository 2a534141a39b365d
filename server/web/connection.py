"""One WebSocket connection: a receive task and a send task in one task group.

The send task is the only writer to the socket. It sends chat messages strictly in seq
order per chat (`ordering.ChatOrder`), so live delivery through the bus and replay from the
store can never reorder, lose or repeat a message.
A bounded send queue protects memory: a client that does not read is disconnected and
resumes from its last seq when it comes back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from server import metrics
from server.bus.hub import Hub
from server.logs import bind, correlated, new_id
from server.protocol.checks import parse_json
from server.protocol.frames import MAX_FRAME_BYTES, ErrorFrame, MessageCreated, ServerFrame, encode
from server.services.context import ServiceContext
from server.services.errors import (
    InvalidInput,
    RateLimited,
    ServiceError,
    TooLarge,
    Unavailable,
)
from server.web.ordering import CatchUp, ChatOrder
from server.web.runtime import runtime
from server.web.security import outage
from server.web.throttle import TokenBucket

log = logging.getLogger(__name__)
CLOSE_SLOW = 1013
CLOSE_ABUSIVE = 1008
CLOSE_RESTART = 1012


@dataclass(frozen=True)
class Control:
    """Run `action` inside the send task, in order with the frames around it."""

    action: Callable[[], Awaitable[None]]


Outgoing = ServerFrame | CatchUp | Control


class Closing(Exception):
    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class Connection:
    kind = "base"
    frames: TypeAdapter[Any]

    def __init__(self, ws: WebSocket, ctx: ServiceContext, hub: Hub) -> None:
        self.ws, self.ctx, self.hub = ws, ctx, hub
        settings = ctx.settings
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue(maxsize=settings.send_queue_size)
        self.order = ChatOrder(ctx, self._send)  # per-chat seq order of chat messages
        self.topics: set[str] = set()
        self.bucket = TokenBucket(settings.frames_per_second, settings.frame_burst)
        self.errors = 0
        self.ready = False  # deliver() drops bus frames until the initial sync is queued
        self._closing: Closing | None = None
        self._group_tasks: list[asyncio.Task[None]] = []
        self.draining = False  # graceful shutdown: finish the current frame, then close 1012
        self._dispatching = False

    # --- lifecycle -------------------------------------------------------------------
    async def run(self) -> None:
        bind(conn=new_id())  # this socket's tasks (created below) inherit the id
        metrics.CONNECTIONS.labels(self.kind).inc()
        shutdown = runtime(self.ws).shutdown
        shutdown.add(self)
        try:
            await self.setup()
            async with asyncio.TaskGroup() as group:
                self._group_tasks = [
                    group.create_task(self._receive_loop()), group.create_task(self._send_loop()),
                    *(group.create_task(t) for t in self.background())]
        except* Closing as group:
            first = group.exceptions[0]
            assert isinstance(first, Closing)
            self._closing = self._closing or first
        except* (WebSocketDisconnect, ConnectionError):
            pass
        finally:
            metrics.CONNECTIONS.labels(self.kind).dec()
            for topic in list(self.topics):
                await self.hub.leave(topic, self)
            await self.on_closed()
            await self._close_socket()
            shutdown.discard(self)

    async def setup(self) -> None:
        """Runs before the receive and send tasks start."""
        return None

    def background(self) -> list[Coroutine[Any, Any, None]]:
        return []

    async def on_closed(self) -> None:
        return None

    def stop(self, code: int, reason: str = "") -> None:
        """Close from anywhere (e.g. a bus callback): ends every task of the connection."""
        if self._closing is None:
            self._closing = Closing(code, reason)
        for task in self._group_tasks:
            task.cancel()

    def restart(self) -> None:
        """Graceful shutdown: read no more frames, finish the one being handled, send what is
        queued (its ack among it), then close with 1012 so the client reconnects elsewhere."""
        if self.draining:
            return
        self.draining = True
        if not self._dispatching:  # else the receive loop ends itself after that frame
            if self._group_tasks:
                self._group_tasks[0].cancel()  # the receive loop, idle in receive()
            self.enqueue(Control(self._close_for_restart))

    async def _close_for_restart(self) -> None:
        raise Closing(CLOSE_RESTART, "server restarting; reconnect")

    async def _close_socket(self) -> None:
        if self.ws.application_state == WebSocketState.CONNECTED:
            code = self._closing.code if self._closing else 1000
            try:
                await self.ws.close(code=code, reason=self._closing.reason if self._closing else "")
            except (RuntimeError, ConnectionError, WebSocketDisconnect):
                pass

    async def join(self, topic: str) -> None:
        if topic not in self.topics:
            self.topics.add(topic)
            await self.hub.join(topic, self)

    async def leave(self, topic: str) -> None:
        if topic in self.topics:
            self.topics.discard(topic)
            await self.hub.leave(topic, self)

    # --- outgoing --------------------------------------------------------------------
    def enqueue(self, item: Outgoing) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            metrics.SLOW_DROPPED.labels(self.kind).inc()
            log.info("dropping a slow %s connection (send queue full)", self.kind)
            self.stop(CLOSE_SLOW, "too slow; reconnect and resume")

    def deliver(self, topic: str, frame: ServerFrame) -> None:
        if self.ready and self.wants(frame):
            self.enqueue(frame)

    def wants(self, frame: ServerFrame) -> bool:
        return True

    def resync(self) -> None:
        for chat_id in self.order:
            self.enqueue(CatchUp(chat_id))

    async def _send_loop(self) -> None:
        while True:
            item = await self.queue.get()
            if isinstance(item, CatchUp):
                await self.order.catch_up(item.chat_id, item.upto)
            elif isinstance(item, Control):
                await item.action()
            elif isinstance(item, MessageCreated) and item.chat_id is not None:
                await self.order.send(item)
            else:
                await self._send(item)

    async def _send(self, frame: ServerFrame) -> None:
        await self.ws.send_text(encode(frame))

    # --- incoming --------------------------------------------------------------------
    async def _receive_loop(self) -> None:
        while not self.draining:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            self._dispatching = True
            try:
                await self._handle_raw(message.get("text"), message.get("bytes"))
            finally:
                self._dispatching = False
        self.enqueue(Control(self._close_for_restart))

    async def _handle_raw(self, text: str | None, data: bytes | None) -> None:
        raw: dict[str, Any] = {}
        try:
            if not self.bucket.take():
                raise RateLimited("too many frames; slow down")
            if text is None:
                raise InvalidInput("binary frames are not supported; send JSON text")
            if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
                raise TooLarge(f"frame is larger than {MAX_FRAME_BYTES // 1024} KiB")
            raw = self._parse_json(text)
            frame = self._validate(raw)
            started = time.perf_counter()
            with correlated(chat=self.chat_of(frame)):  # also in the tasks the frame starts
                await self.dispatch(frame)
            metrics.FRAME_SECONDS.labels(self.kind, frame.type).observe(
                time.perf_counter() - started)
        except ServiceError as exc:
            await self._refuse(exc, raw)
        except (asyncio.CancelledError, Closing, WebSocketDisconnect):
            raise
        except Exception as exc:
            if outage(exc):
                log.warning("database unreachable or redis busy handling a %s frame (%s)",
                            self.kind, type(exc).__name__)
            else:
                log.exception("unexpected error handling a %s frame", self.kind)
            await self._refuse(Unavailable("something went wrong on the server; try again"), raw)

    def _parse_json(self, text: str) -> dict[str, Any]:
        data = parse_json(text, "frame")
        if not isinstance(data, dict):
            raise InvalidInput("frame must be a JSON object")
        if not isinstance(data.get("type"), str):
            raise InvalidInput("frame needs a string field 'type'")
        return data

    def _validate(self, raw: dict[str, Any]) -> Any:
        try:
            return self.frames.validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "union_tag_invalid":
                raise InvalidInput(f"unknown frame type {raw['type'][:40]!r}") from None
            where = ".".join(str(p) for p in first["loc"][1:]) or "frame"
            raise InvalidInput(f"{where}: {first['msg']}") from None

    async def _refuse(self, exc: ServiceError, raw: dict[str, Any]) -> None:
        metrics.FRAME_ERRORS.labels(self.kind, exc.code).inc()
        echo = {k: raw.get(k) if isinstance(raw.get(k), str) else None
                for k in ("client_msg_id", "chat_id")}
        self.enqueue(ErrorFrame(code=exc.code, message=exc.message,
                                client_msg_id=exc.client_msg_id or echo["client_msg_id"],
                                chat_id=exc.chat_id or echo["chat_id"]))
        self.errors += 1
        if self.errors >= self.ctx.settings.abusive_after_errors:
            self.stop(CLOSE_ABUSIVE, "too many invalid or refused frames")

    def chat_of(self, frame: Any) -> str | None:
        """The chat a frame is about, for the logs' correlation ids."""
        chat_id = getattr(frame, "chat_id", None)
        return chat_id if isinstance(chat_id, str) else None

    async def dispatch(self, frame: Any) -> None:
        handler = self.handlers().get(frame.type)
        if handler is None:
            raise InvalidInput(f"frame type {frame.type!r} is not allowed here")
        await handler(frame)

    def handlers(self) -> dict[str, Callable[[Any], Awaitable[None]]]:
        raise NotImplementedError
