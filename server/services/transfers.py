"""Moving an active chat between people: a staff member's transfer (to a colleague or back
to the queue) and a supervisor's reassignment, each with an optional internal note."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlmodel import col

from server.privacy.audit import audit
from server.protocol.frames import ChatReleased
from server.services import lifecycle, texts
from server.services.accounts import has_role
from server.services.context import ServiceContext, staff_topic
from server.services.errors import Conflict, Forbidden
from server.services.messages import post_message
from server.services.presence import on_duty
from server.store.models import Chat, InternalNote, Staff

log = logging.getLogger(__name__)


async def add_note(ctx: ServiceContext, chat_id: str, staff_id: str, note: str | None) -> None:
    if note and note.strip():
        async with ctx.db.write() as session:
            session.add(InternalNote(chat_id=chat_id, staff_id=staff_id, text=note.strip(),
                                     created_at=ctx.clock()))


async def move(ctx: ServiceContext, chat: Chat, from_staff_id: str, target: Staff, *,
               released: str, action: str) -> None:
    """Give an active chat of `from_staff_id` to `target` (who must have room)."""
    if await lifecycle.active_count(ctx, target.id) >= target.capacity:
        raise Conflict(f"{target.username} has no free capacity", chat_id=chat.id)
    if not await lifecycle.transition(
            ctx, chat.id, [col(Chat.state) == "active", col(Chat.staff_id) == from_staff_id],
            {"staff_id": target.id, "accepted_at": ctx.clock(),
             "transfers": col(Chat.transfers) + 1}):
        raise Conflict("the chat changed while transferring", chat_id=chat.id)
    log.info("chat moved to staff %s (%s)", target.id, action, extra={"chat": chat.id})
    await post_message(ctx, chat.id, "system", texts.text("transferred", chat.lang))
    await ctx.publish(staff_topic(from_staff_id), ChatReleased(chat_id=chat.id, reason=released))
    await lifecycle.assign(ctx, target, chat.id, action=action)


async def transfer(ctx: ServiceContext, staff: Staff, chat_id: str, to: str,
                   note: str | None) -> None:
    chat = await lifecycle.owned_chat(ctx, staff, chat_id)
    await add_note(ctx, chat_id, staff.id, note)
    if to == "queue":
        await lifecycle.requeue(ctx, chat_id, staff.id, reason="transferred_to_queue")
        return
    target = await transfer_target(ctx, to, chat_id)
    await move(ctx, chat, staff.id, target, released="transferred", action="transfer")


async def reassign(ctx: ServiceContext, supervisor: Staff, chat_id: str, to: str,
                   note: str | None = None) -> None:
    """A supervisor moves a queued or active chat to an on-duty colleague or to the queue."""
    if not has_role(supervisor, "supervisor"):
        raise Forbidden("only supervisors can reassign chats", chat_id=chat_id)
    chat = await lifecycle.load_chat(ctx, chat_id)
    if chat.state not in ("queued", "active"):
        raise Conflict(f"only queued or active chats can be reassigned (it is {chat.state})",
                       chat_id=chat_id)
    if to == "queue":
        if chat.state == "active" and chat.staff_id:
            await add_note(ctx, chat_id, supervisor.id, note)
            if not await lifecycle.requeue(ctx, chat_id, chat.staff_id, reason="reassigned",
                                           released="reassigned"):
                raise Conflict("the chat changed while reassigning", chat_id=chat_id)
        await audit(ctx, supervisor.id, "reassign", chat_id, "queue")
        return
    target = await transfer_target(ctx, to, chat_id)
    await add_note(ctx, chat_id, supervisor.id, note)
    if chat.state == "queued":
        await lifecycle.accept(ctx, target, chat_id, reassigned=True)
    elif chat.staff_id == target.id:
        raise Conflict(f"{to} already has this chat", chat_id=chat_id)
    else:
        assert chat.staff_id is not None
        await move(ctx, chat, chat.staff_id, target, released="reassigned", action="transfer")
    await audit(ctx, supervisor.id, "reassign", chat_id, to)


async def transfer_target(ctx: ServiceContext, username: str, chat_id: str) -> Staff:
    async with ctx.db.read() as session:
        target = (await session.execute(select(Staff).where(
            col(Staff.username) == username, col(Staff.active)))).scalar_one_or_none()
    duty = {s.id: s.status for s in await on_duty(ctx)}
    if target is None or duty.get(target.id) != "available":
        raise Conflict(f"{username} is not available on duty", chat_id=chat_id)
    return target
