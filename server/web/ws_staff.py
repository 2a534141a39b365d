"""The staff socket (/ws/v1/staff): queue, presence and the staff member's chats."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from server import metrics
from server.bus.hub import Hub
from server.protocol import client as c
from server.protocol import frames as f
from server.services import accounts, chats, closing, duty, lifecycle, presence, queue, transfers
from server.services.context import (
    CONSULT_TOPIC,
    QUEUE_TOPIC,
    ServiceContext,
    chat_topic,
    staff_topic,
)
from server.services.errors import Forbidden, Unauthorized
from server.services.posting import post_staff_message
from server.store.models import Staff
from server.web.connection import Connection, Control

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


class StaffConnection(Connection):
    kind = "staff"
    frames = c.STAFF_FRAMES

    def __init__(self, ws: Any, ctx: ServiceContext, hub: Hub, staff: Staff,
                 session_token: str) -> None:
        super().__init__(ws, ctx, hub)
        self.staff, self.session_token = staff, session_token
        self.status = "available"
        self.revoked = False
        self.account_revoked = False  # every session of the account ended (logout, deactivation)
        self._routes = self._bus_routes()  # built once: deliver() runs for every bus frame

    def background(self) -> list[Coroutine[Any, Any, None]]:
        return [self._keep_presence(), self._revalidate()]

    async def setup(self) -> None:
        await self.join(staff_topic(self.staff.id))
        await self.join(QUEUE_TOPIC)
        await self.join(CONSULT_TOPIC)
        self.ready = True
        self.enqueue(Control(self._initial_sync))
        await duty.come_on_duty(self.ctx, self.staff.id, self.status)

    async def _initial_sync(self) -> None:
        await self._send(f.QueueSnapshot(items=await queue.queue_items(self.ctx)))
        for chat in await lifecycle.active_chats_of(self.ctx, self.staff.id):
            await self._open_chat(await lifecycle.assignment_frame(self.ctx, chat))
        # Last: it carries the right chat count and tells the console the re-send is complete.
        await self._send_presence()

    async def _open_chat(self, frame: f.ChatAssigned) -> None:
        await self.join(chat_topic(frame.chat_id))
        await self._send(frame)
        self.order.follow(frame.chat_id, frame.transcript[-1].seq if frame.transcript else 0)
        await self.order.catch_up(frame.chat_id, None)

    async def _close_chat(self, chat_id: str, frame: f.ServerFrame) -> None:
        await self._send(frame)
        self.order.unfollow(chat_id)
        await self.leave(chat_topic(chat_id))

    async def _send_presence(self) -> None:
        active = len(self.order)
        await self._send(f.PresenceUpdated(status=self.status,
                                           active_chats=active, capacity=self.staff.capacity))

    async def _keep_presence(self) -> None:
        while True:
            await asyncio.sleep(presence.refresh_interval(self.ctx))
            if self.revoked:
                return
            await duty.keep_on_duty(self.ctx, self.staff.id, self.status)

    async def _revalidate(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.settings.staff_revalidate_s)
            await self._reload_account()

    async def _reload_account(self) -> None:
        """Re-read the account: a revoked session or a removed chat role closes the socket;
        a new capacity is shown at once."""
        try:
            staff, _ = await accounts.session_staff(self.ctx, self.session_token)
        except Unauthorized:
            self._revoked()
            return
        if not accounts.has_role(staff, *accounts.CHAT_ROLES):
            self.revoked = True
            await duty.go_off_duty(self.ctx, staff.id)
            self.enqueue(f.ErrorFrame(code="forbidden",
                                      message="your account may no longer take chats"))
            self.enqueue(Control(self._close_forbidden))
            return
        before, self.staff = self.staff, staff
        if await duty.account_changed(self.ctx, before, staff):
            self.enqueue(Control(self._send_presence))

    async def _close_forbidden(self) -> None:
        self.stop(CLOSE_FORBIDDEN, "role removed")

    def _revoked(self, account_wide: bool = False) -> None:
        self.revoked = True
        self.account_revoked = self.account_revoked or account_wide
        self.enqueue(f.ErrorFrame(code="unauthorized", message="your session has ended"))
        self.enqueue(Control(self._close_unauthorized))

    async def _close_unauthorized(self) -> None:
        if self.account_revoked:
            # Offline at once (a keepalive may have refreshed presence after sign-off).
            await duty.go_off_duty(self.ctx, self.staff.id)
        self.stop(CLOSE_UNAUTHORIZED, "session ended")

    def deliver(self, topic: str, frame: f.ServerFrame) -> None:
        """Bus frames by type (a table, like the client frames); the rest go out as they are."""
        if not self.ready:
            return
        route = self._routes.get(frame.type)  # type: ignore[attr-defined]
        if route is None:
            self.enqueue(frame)
        else:
            route(frame)

    def _bus_routes(self) -> dict[str, Callable[[Any], None]]:
        return {
            "session.revoked": lambda _: self._revoked(account_wide=True),
            "staff.changed": lambda _: self.enqueue(Control(self._reload_account)),
            "chat.assigned": lambda fr: self.enqueue(Control(lambda: self._open_chat(fr))),
            "chat.released": lambda fr: self.enqueue(
                Control(lambda: self._close_chat(fr.chat_id, fr))),
            "chat.state": self._on_chat_state,
            "typing": self._relay_from_resident, "read": self._relay_from_resident,
            "queue.position": lambda _: None,  # for residents
        }

    def _on_chat_state(self, frame: f.ChatStateFrame) -> None:
        chat_id = frame.chat_id
        if frame.state == "closed" and chat_id:
            self.enqueue(Control(lambda: self._close_chat(chat_id, frame)))
        else:
            self.enqueue(frame)

    def _relay_from_resident(self, frame: f.TypingFrame | f.ReadFrame) -> None:
        who = frame.author if isinstance(frame, f.TypingFrame) else frame.by
        if who != "staff":
            self.enqueue(frame)

    def handlers(self) -> dict[str, Callable[[Any], Awaitable[None]]]:
        return {
            "presence.set": self.on_presence, "chat.accept": self.on_accept,
            "queue.take_next": self.on_take_next, "message.send": self.on_message,
            "typing": self.on_typing, "read": self.on_read, "chat.transfer": self.on_transfer,
            "chat.close": self.on_close, "chat.reassign": self.on_reassign, "ping": self.on_ping,
        }

    async def on_presence(self, frame: c.PresenceSet) -> None:
        self.status = frame.status
        await duty.come_on_duty(self.ctx, self.staff.id, frame.status)  # available or away
        self.enqueue(Control(self._send_presence))

    async def on_accept(self, frame: c.ChatAccept) -> None:
        await lifecycle.accept(self.ctx, self.staff, frame.chat_id)

    async def on_take_next(self, frame: c.QueueTakeNext) -> None:
        await lifecycle.take_next(self.ctx, self.staff)

    def _require_followed(self, chat_id: str, client_msg_id: str | None = None) -> None:
        if chat_id not in self.order:
            raise Forbidden("this chat is not assigned to you", chat_id=chat_id,
                            client_msg_id=client_msg_id)

    async def on_message(self, frame: c.StaffMessageSend) -> None:
        stored = await post_staff_message(self.ctx, self.staff, frame.chat_id, frame.text,
                                          frame.client_msg_id)
        self.enqueue(f.MessageAck(chat_id=frame.chat_id, client_msg_id=frame.client_msg_id,
                                  seq=stored.frame.seq))
        if stored.created:
            metrics.MESSAGES.labels("staff").inc()

    async def on_typing(self, frame: c.StaffTyping) -> None:
        self._require_followed(frame.chat_id)
        await chats.relay_typing(self.ctx, frame.chat_id, "staff", frame.active)

    async def on_read(self, frame: c.StaffRead) -> None:
        self._require_followed(frame.chat_id)
        await chats.mark_read(self.ctx, frame.chat_id, "staff", frame.seq)

    async def on_transfer(self, frame: c.ChatTransfer) -> None:
        await transfers.transfer(self.ctx, self.staff, frame.chat_id, frame.to, frame.note,
                                 frame.queue, frame.confirm)

    async def on_close(self, frame: c.StaffChatClose) -> None:
        await closing.close_by_staff(self.ctx, self.staff, frame.chat_id, frame.tags.topics,
                                       frame.tags.outcome, frame.tags.referred_to)

    async def on_reassign(self, frame: c.ChatReassign) -> None:
        await transfers.reassign(self.ctx, self.staff, frame.chat_id, frame.to,
                                 queue=frame.queue)

    async def on_ping(self, frame: c.Ping) -> None:
        self.enqueue(f.Pong())
