"""The conversation's way to a person: handoff to the queue, accept, return to the queue, and
the shared primitives of every state change (`transition`, `assign`, `load_chat`). Moves
between people are in `transfers`, the end of a chat in `closing`.

Each transition is one conditional UPDATE, so concurrent processes cannot both win it;
the events are published only after the commit.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from server.metrics import QUEUE_WAIT
from server.privacy.audit import audit
from server.protocol.frames import (
    ChatAssigned,
    ChatReleased,
    ChatStateFrame,
    NoteItem,
)
from server.services import routing, service_config, texts
from server.services.accounts import chat_account
from server.services.context import ServiceContext, chat_topic, staff_topic
from server.services.errors import ChatClosed, Conflict, Forbidden, InvalidInput, NotFound
from server.services.messages import post_message, transcript
from server.services.queue import answering_in, publish_queue, queued_chats
from server.services.queue_config import QueueConfig
from server.store.models import Chat, InternalNote, Staff, aware

log = logging.getLogger(__name__)
# Moves between people (or to the queue) counted in chats.transfers; a disconnect is not one.
TRANSFER_REASONS = ("transferred_to_queue", "reassigned")


async def transition(ctx: ServiceContext, chat_id: str, where: list[Any],
                      values: dict[str, Any]) -> bool:
    async with ctx.db.write() as session:
        result = await session.execute(update(Chat).where(col(Chat.id) == chat_id, *where).values(values))
        return bool(result.rowcount)  # type: ignore[attr-defined]


async def load_chat(ctx: ServiceContext, chat_id: str) -> Chat:
    """The chat row, or NotFound."""
    async with ctx.db.read() as session:
        chat = await session.get(Chat, chat_id)
    if chat is None:
        raise NotFound("no such chat", chat_id=chat_id)
    return chat


async def active_chats_of(ctx: ServiceContext, staff_id: str) -> list[Chat]:
    """The chats a staff member has now (re-sent to a socket that connects)."""
    async with ctx.db.read() as session:
        return list((await session.execute(select(Chat).where(
            col(Chat.staff_id) == staff_id, col(Chat.state) == "active"))).scalars())


async def request_handoff(ctx: ServiceContext, chat_id: str, *, priority: bool = False,
                          announce: bool = True) -> str:
    """Queue the chat for a person. Returns the resulting state ('bot' when closed hours).
    `announce=False` when the bot has just told the resident (no second, system message)."""
    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed":
        raise ChatClosed("the chat is closed", chat_id=chat_id)
    # A safety cue anywhere in the chat keeps its priority until it is closed.
    priority = priority or chat.safety_topic is not None
    if chat.state in ("queued", "active"):
        if priority and chat.state == "queued":
            # A safety cue moves a waiting chat to the crisis queue, first in line.
            crisis = (await service_config.current(ctx)).queues.crisis.id
            if not chat.priority or chat.queue != crisis:
                await transition(ctx, chat_id, [col(Chat.state) == "queued"],
                                 {"priority": True, "queue": crisis})
                await publish_queue(ctx)
        return chat.state
    config = await service_config.current(ctx)
    target = routing.route(config.queues, chat, priority)
    if target.queue is None:  # the resident came in by the general door: which service?
        await post_message(ctx, chat_id, "bot", texts.text("choose_service", chat.lang),
                           buttons=routing.choice_buttons(config.queues, chat.lang))
        return "bot"
    queue = target.queue
    if not config.hours_of(queue.id).is_open(ctx.clock()):
        await post_message(ctx, chat_id, "system",
                           routing.closed_text(config, queue, chat.lang, ctx.clock()))
        return "bot"
    now = ctx.clock()
    if not await transition(ctx, chat_id, [col(Chat.state) == "bot"], {
            "state": "queued", "priority": target.priority, "queued_at": now, "handoff_at": now,
            "resident_seen_at": now, "queue": queue.id}):
        return (await load_chat(ctx, chat_id)).state
    priority = target.priority
    if announce:
        key = "queued_priority" if priority else "queued"
        if not await answering_in(ctx, queue.id):
            key += "_nobody"  # honest: nobody reads the queue right now
        await post_message(ctx, chat_id, "system", texts.text(key, chat.lang))
    log.info("chat queued%s", " with priority" if priority else "", extra={"chat": chat_id})
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(
        chat_id=chat_id, state="queued", reason="handoff", priority=priority))
    await publish_queue(ctx)
    return "queued"


async def choose_service(ctx: ServiceContext, chat: Chat, queue_id: str) -> str:
    """The resident picked a service from the bot's buttons: queue the chat there."""
    config = await service_config.current(ctx)
    queue = config.queues.get(queue_id)
    if queue is None or not queue.public:
        raise InvalidInput(f"queue: no service '{queue_id}'", chat_id=chat.id)
    if not await transition(ctx, chat.id, [col(Chat.state) == "bot"], {"queue": queue.id}):
        return (await load_chat(ctx, chat.id)).state
    return await request_handoff(ctx, chat.id)


async def active_count(ctx: ServiceContext, staff_id: str) -> int:
    async with ctx.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(Chat).where(
            col(Chat.staff_id) == staff_id, col(Chat.state) == "active"))).scalar_one())


async def accept(ctx: ServiceContext, staff: Staff, chat_id: str, *,
                 reassigned: bool = False) -> None:
    """Give a queued chat to `staff`. Exactly one of concurrent accepts wins. A supervisor's
    reassignment from the queue counts as a transfer."""
    staff = await chat_account(ctx, staff.id)  # a role or capacity may have just changed
    if await active_count(ctx, staff.id) >= staff.capacity:
        raise Conflict(f"you already have {staff.capacity} chats (your capacity)", chat_id=chat_id)
    before = await load_chat(ctx, chat_id)
    now = ctx.clock()
    won = await transition(ctx, chat_id, [col(Chat.state) == "queued"], {
        "state": "active", "staff_id": staff.id, "accepted_at": now, "requeued": False,
        "first_accepted_at": func.coalesce(col(Chat.first_accepted_at), now),
        **({"transfers": col(Chat.transfers) + 1} if reassigned else {})})
    if not won:
        chat = await load_chat(ctx, chat_id)
        raise Conflict(f"the chat is not waiting in the queue (it is {chat.state})", chat_id=chat_id)
    log.info("chat accepted by staff %s", staff.id, extra={"chat": chat_id})
    await assign(ctx, staff, chat_id, action="accept")
    if before.first_accepted_at is None and before.queued_at is not None:
        # the same waiting time as the statistics: handoff → first person
        QUEUE_WAIT.labels(before.lang).observe(
            max(0.0, (now - (aware(before.queued_at) or now)).total_seconds()))
    await publish_queue(ctx)


async def assign(ctx: ServiceContext, staff: Staff, chat_id: str, *, action: str) -> None:
    chat = await load_chat(ctx, chat_id)
    await post_message(ctx, chat_id, "system",
                       texts.text("joined", chat.lang, name=staff.display_name))
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="active",
                                                          reason="accepted"))
    await ctx.publish(staff_topic(staff.id), await assignment_frame(ctx, chat))
    await audit(ctx, staff.id, action, chat_id)


async def assignment_frame(ctx: ServiceContext, chat: Chat) -> ChatAssigned:
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(InternalNote, col(Staff.display_name))
            .join(Staff, col(Staff.id) == InternalNote.staff_id)
            .where(col(InternalNote.chat_id) == chat.id).order_by(col(InternalNote.id)))).all()
    notes = [NoteItem(text=note.text, author_name=name,
                      created_at=(aware(note.created_at) or ctx.clock()).isoformat())
             for note, name in rows]
    return ChatAssigned(chat_id=chat.id, lang=chat.lang, topic=chat.topic,
                        municipality=chat.municipality, priority=chat.priority,
                        transcript=await transcript(ctx, chat.id), notes=notes,
                        resident_online=not chat.resident_away, queue=chat.queue)


async def take_next(ctx: ServiceContext, staff: Staff) -> str:
    """Accept the most urgent waiting chat of the staff member's queues, preferring the
    languages they speak (then any language)."""
    queues = (await service_config.current(ctx)).queues
    mine = queues.of_staff(staff.id)
    languages = set(staff.language_list)
    waiting = [c for c in await queued_chats(ctx) if queues.of(c.queue).id in mine]
    ordered = [c for c in waiting if c.lang in languages] + [
        c for c in waiting if c.lang not in languages]
    for chat in ordered:
        try:
            await accept(ctx, staff, chat.id)
            return chat.id
        except Conflict:
            if await active_count(ctx, staff.id) >= staff.capacity:
                raise
    raise Conflict("no chat is waiting in your queues")


async def requeue(ctx: ServiceContext, chat_id: str, staff_id: str, *, reason: str,
                  released: str = "requeued", queue: QueueConfig | None = None) -> bool:
    """Put an active chat back at the head of a queue (disconnect or transfer), its own or
    `queue` (a move between services: the resident is told which service continues)."""
    moved: dict[str, Any] = {"transfers": col(Chat.transfers) + 1} if reason in TRANSFER_REASONS else {}
    other = queue is not None and queue.id != (await load_chat(ctx, chat_id)).queue
    if other:
        assert queue is not None
        moved.update(queue=queue.id, queue_moves=col(Chat.queue_moves) + 1)
    if not await transition(ctx, chat_id, [col(Chat.state) == "active", col(Chat.staff_id) == staff_id],
                             {"state": "queued", "staff_id": None, "requeued": True, **moved}):
        return False
    log.info("chat returned to the queue (%s)", reason, extra={"chat": chat_id})
    chat = await load_chat(ctx, chat_id)
    if other:
        assert queue is not None
        text = texts.text("moved_to_service", chat.lang, service=queue.name(chat.lang))
    else:
        key = "staff_disconnected" if reason == "staff_disconnected" else "requeued"
        text = texts.text(key, chat.lang)
    await post_message(ctx, chat_id, "system", text)
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="queued",
                                                          reason=reason))
    await ctx.publish(staff_topic(staff_id), ChatReleased(chat_id=chat_id, reason=released))
    await publish_queue(ctx)
    return True


async def move_queued(ctx: ServiceContext, chat: Chat, queue: QueueConfig) -> None:
    """Move a waiting chat to another service's queue; it keeps its place by waiting time."""
    if not await transition(ctx, chat.id, [col(Chat.state) == "queued"], {
            "queue": queue.id, "queue_moves": col(Chat.queue_moves) + 1}):
        raise Conflict("the chat is no longer waiting in the queue", chat_id=chat.id)
    await post_message(ctx, chat.id, "system",
                       texts.text("moved_to_service", chat.lang, service=queue.name(chat.lang)))
    await publish_queue(ctx)


async def owned_chat(ctx: ServiceContext, staff: Staff, chat_id: str) -> Chat:
    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed":
        raise ChatClosed("the chat is closed", chat_id=chat_id)
    if chat.state != "active" or chat.staff_id != staff.id:
        raise Forbidden("this chat is not assigned to you", chat_id=chat_id)
    return chat
