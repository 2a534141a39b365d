"""Moving an active chat between people: a staff member's transfer (to a colleague or back
to the queue) and a supervisor's reassignment, each with an optional internal note."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlmodel import col

from server.privacy.audit import audit
from server.protocol.frames import ChatReleased
from server.services import lifecycle, service_config, texts
from server.services.accounts import has_role
from server.services.context import ServiceContext, staff_topic
from server.services.errors import Conflict, Forbidden, InvalidInput
from server.services.messages import post_message
from server.services.presence import on_duty
from server.services.queue_config import QueueConfig
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
                   note: str | None, queue: str | None = None, confirm: bool = False) -> None:
    chat = await lifecycle.owned_chat(ctx, staff, chat_id)
    if to == "queue":
        target = await target_queue(ctx, chat, queue, confirm)
        await add_note(ctx, chat_id, staff.id, note)
        await lifecycle.requeue(ctx, chat_id, staff.id, reason="transferred_to_queue",
                                queue=target)
        return
    if queue is not None:
        raise InvalidInput('queue: give it only with to = "queue"', chat_id=chat_id)
    await add_note(ctx, chat_id, staff.id, note)
    target_staff = await transfer_target(ctx, to, chat_id)
    await move(ctx, chat, staff.id, target_staff, released="transferred", action="transfer")


async def target_queue(ctx: ServiceContext, chat: Chat, queue_id: str | None,
                       confirm: bool) -> QueueConfig | None:
    """The service queue a chat moves to (None: its own). Unknown ids are refused; a queue
    closed now only with `confirm`."""
    if queue_id is None:
        return None
    config = await service_config.current(ctx)
    queue = config.queues.get(queue_id)
    if queue is None:
        raise InvalidInput(f"queue: no service queue '{queue_id}'", chat_id=chat.id)
    if not confirm and not config.hours_of(queue.id).is_open(ctx.clock()):
        hours = config.hours_of(queue.id).describe("en", ctx.clock())
        raise Conflict(f"{queue.name('en')} is closed now (open: {hours}); send confirm to "
                       "transfer anyway", chat_id=chat.id)
    return queue


async def reassign(ctx: ServiceContext, supervisor: Staff, chat_id: str, to: str,
                   note: str | None = None, *, queue: str | None = None) -> None:
    """A supervisor moves a queued or active chat to an on-duty colleague or to a queue (its
    own, or another service's with `queue`)."""
    if not has_role(supervisor, "supervisor"):
        raise Forbidden("only supervisors can reassign chats", chat_id=chat_id)
    chat = await lifecycle.load_chat(ctx, chat_id)
    if chat.state not in ("queued", "active"):
        raise Conflict(f"only queued or active chats can be reassigned (it is {chat.state})",
                       chat_id=chat_id)
    if to == "queue":
        target = await target_queue(ctx, chat, queue, confirm=True)
        await add_note(ctx, chat_id, supervisor.id, note)
        if chat.state == "active" and chat.staff_id:
            if not await lifecycle.requeue(ctx, chat_id, chat.staff_id, reason="reassigned",
                                           released="reassigned", queue=target):
                raise Conflict("the chat changed while reassigning", chat_id=chat_id)
        elif target is not None and target.id != chat.queue:
            await lifecycle.move_queued(ctx, chat, target)
        await audit(ctx, supervisor.id, "reassign", chat_id, f"queue:{queue}" if queue else "queue")
        return
    if queue is not None:
        raise InvalidInput('queue: give it only with to = "queue"', chat_id=chat_id)
    target_staff = await transfer_target(ctx, to, chat_id)
    await add_note(ctx, chat_id, supervisor.id, note)
    if chat.state == "queued":
        await lifecycle.accept(ctx, target_staff, chat_id, reassigned=True)
    elif chat.staff_id == target_staff.id:
        raise Conflict(f"{to} already has this chat", chat_id=chat_id)
    else:
        assert chat.staff_id is not None
        await move(ctx, chat, chat.staff_id, target_staff, released="reassigned", action="transfer")
    await audit(ctx, supervisor.id, "reassign", chat_id, to)


async def transfer_target(ctx: ServiceContext, username: str, chat_id: str) -> Staff:
    async with ctx.db.read() as session:
        target = (await session.execute(select(Staff).where(
            col(Staff.username) == username, col(Staff.active)))).scalar_one_or_none()
    duty = {s.id: s.status for s in await on_duty(ctx)}
    if target is None or duty.get(target.id) != "available":
        raise Conflict(f"{username} is not available on duty", chat_id=chat_id)
    return target
