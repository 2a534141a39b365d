"""Every conversation state change (bot → queued → active → closed) and its events.

Each transition is one conditional UPDATE, so concurrent processes cannot both win it;
the events are published only after the commit.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from bot.catalogue import TAG_TOPICS
from server.privacy import chat_stats
from server.privacy.audit import audit
from server.protocol.frames import (
    ChatAssigned,
    ChatReleased,
    ChatStateFrame,
    NoteItem,
)
from server.services import service_config, texts
from server.services.accounts import chat_account, has_role
from server.services.context import ServiceContext, chat_topic, staff_topic
from server.services.errors import ChatClosed, Conflict, Forbidden, InvalidInput, NotFound
from server.services.messages import post_message, transcript
from server.services.presence import answering_count
from server.store.models import Chat, InternalNote, Staff, aware

log = logging.getLogger(__name__)
# Moves between people (or to the queue) counted in chats.transfers; a disconnect is not one.
TRANSFER_REASONS = ("transferred_to_queue", "reassigned")


async def _transition(ctx: ServiceContext, chat_id: str, where: list[Any],
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
    from server.services.queue import publish_queue

    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed":
        raise ChatClosed("the chat is closed", chat_id=chat_id)
    # A safety cue anywhere in the chat keeps its priority until it is closed.
    priority = priority or chat.safety_topic is not None
    if chat.state in ("queued", "active"):
        if priority and not chat.priority:
            await _transition(ctx, chat_id, [col(Chat.state) == "queued"], {"priority": True})
            await publish_queue(ctx)
        return chat.state
    service_hours = (await service_config.current(ctx)).hours
    if not service_hours.is_open(ctx.clock()):
        hours = service_hours.describe(chat.lang, ctx.clock())
        await post_message(ctx, chat_id, "system", texts.text("closed_hours", chat.lang, hours=hours))
        return "bot"
    now = ctx.clock()
    if not await _transition(ctx, chat_id, [col(Chat.state) == "bot"], {
            "state": "queued", "priority": priority, "queued_at": now, "handoff_at": now,
            "resident_seen_at": now}):
        return (await load_chat(ctx, chat_id)).state
    if announce:
        key = "queued_priority" if priority else "queued"
        if not await answering_count(ctx):
            key += "_nobody"  # honest: nobody reads the queue right now
        await post_message(ctx, chat_id, "system", texts.text(key, chat.lang))
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(
        chat_id=chat_id, state="queued", reason="handoff", priority=priority))
    await publish_queue(ctx)
    return "queued"


async def _active_count(ctx: ServiceContext, staff_id: str) -> int:
    async with ctx.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(Chat).where(
            col(Chat.staff_id) == staff_id, col(Chat.state) == "active"))).scalar_one())


async def accept(ctx: ServiceContext, staff: Staff, chat_id: str, *,
                 reassigned: bool = False) -> None:
    """Give a queued chat to `staff`. Exactly one of concurrent accepts wins. A supervisor's
    reassignment from the queue counts as a transfer."""
    from server.services.queue import publish_queue

    staff = await chat_account(ctx, staff.id)  # a role or capacity may have just changed
    if await _active_count(ctx, staff.id) >= staff.capacity:
        raise Conflict(f"you already have {staff.capacity} chats (your capacity)", chat_id=chat_id)
    now = ctx.clock()
    won = await _transition(ctx, chat_id, [col(Chat.state) == "queued"], {
        "state": "active", "staff_id": staff.id, "accepted_at": now, "requeued": False,
        "first_accepted_at": func.coalesce(col(Chat.first_accepted_at), now),
        **({"transfers": col(Chat.transfers) + 1} if reassigned else {})})
    if not won:
        chat = await load_chat(ctx, chat_id)
        raise Conflict(f"the chat is not waiting in the queue (it is {chat.state})", chat_id=chat_id)
    await _assign(ctx, staff, chat_id, action="accept")
    await publish_queue(ctx)


async def _assign(ctx: ServiceContext, staff: Staff, chat_id: str, *, action: str) -> None:
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
                        resident_online=not chat.resident_away)


async def take_next(ctx: ServiceContext, staff: Staff) -> str:
    """Accept the first waiting chat in the staff member's languages (then any language)."""
    from server.services.queue import queued_chats

    languages = set(staff.languages.split(","))
    waiting = await queued_chats(ctx)
    ordered = [c for c in waiting if c.lang in languages] + [
        c for c in waiting if c.lang not in languages]
    for chat in ordered:
        try:
            await accept(ctx, staff, chat.id)
            return chat.id
        except Conflict:
            if await _active_count(ctx, staff.id) >= staff.capacity:
                raise
    raise Conflict("no chat is waiting in the queue")


async def requeue(ctx: ServiceContext, chat_id: str, staff_id: str, *, reason: str,
                  released: str = "requeued") -> bool:
    """Put an active chat back at the head of the queue (disconnect or transfer to queue)."""
    from server.services.queue import publish_queue

    moved = {"transfers": col(Chat.transfers) + 1} if reason in TRANSFER_REASONS else {}
    if not await _transition(ctx, chat_id, [col(Chat.state) == "active", col(Chat.staff_id) == staff_id],
                             {"state": "queued", "staff_id": None, "requeued": True, **moved}):
        return False
    chat = await load_chat(ctx, chat_id)
    key = "staff_disconnected" if reason == "staff_disconnected" else "requeued"
    await post_message(ctx, chat_id, "system", texts.text(key, chat.lang))
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="queued",
                                                          reason=reason))
    await ctx.publish(staff_topic(staff_id), ChatReleased(chat_id=chat_id, reason=released))
    await publish_queue(ctx)
    return True


async def _add_note(ctx: ServiceContext, chat_id: str, staff_id: str, note: str | None) -> None:
    if note and note.strip():
        async with ctx.db.write() as session:
            session.add(InternalNote(chat_id=chat_id, staff_id=staff_id, text=note.strip(),
                                     created_at=ctx.clock()))


async def _move(ctx: ServiceContext, chat: Chat, from_staff_id: str, target: Staff, *,
                released: str, action: str) -> None:
    """Give an active chat of `from_staff_id` to `target` (who must have room)."""
    if await _active_count(ctx, target.id) >= target.capacity:
        raise Conflict(f"{target.username} has no free capacity", chat_id=chat.id)
    if not await _transition(ctx, chat.id, [col(Chat.state) == "active", col(Chat.staff_id) == from_staff_id],
                             {"staff_id": target.id, "accepted_at": ctx.clock(),
                              "transfers": col(Chat.transfers) + 1}):
        raise Conflict("the chat changed while transferring", chat_id=chat.id)
    await post_message(ctx, chat.id, "system", texts.text("transferred", chat.lang))
    await ctx.publish(staff_topic(from_staff_id), ChatReleased(chat_id=chat.id, reason=released))
    await _assign(ctx, target, chat.id, action=action)


async def transfer(ctx: ServiceContext, staff: Staff, chat_id: str, to: str,
                   note: str | None) -> None:
    chat = await owned_chat(ctx, staff, chat_id)
    await _add_note(ctx, chat_id, staff.id, note)
    if to == "queue":
        await requeue(ctx, chat_id, staff.id, reason="transferred_to_queue")
        return
    target = await _transfer_target(ctx, to, chat_id)
    await _move(ctx, chat, staff.id, target, released="transferred", action="transfer")


async def reassign(ctx: ServiceContext, supervisor: Staff, chat_id: str, to: str,
                   note: str | None = None) -> None:
    """A supervisor moves a queued or active chat to an on-duty colleague or to the queue."""
    if not has_role(supervisor, "supervisor"):
        raise Forbidden("only supervisors can reassign chats", chat_id=chat_id)
    chat = await load_chat(ctx, chat_id)
    if chat.state not in ("queued", "active"):
        raise Conflict(f"only queued or active chats can be reassigned (it is {chat.state})",
                       chat_id=chat_id)
    if to == "queue":
        if chat.state == "active" and chat.staff_id:
            await _add_note(ctx, chat_id, supervisor.id, note)
            if not await requeue(ctx, chat_id, chat.staff_id, reason="reassigned",
                                 released="reassigned"):
                raise Conflict("the chat changed while reassigning", chat_id=chat_id)
        await audit(ctx, supervisor.id, "reassign", chat_id, "queue")
        return
    target = await _transfer_target(ctx, to, chat_id)
    await _add_note(ctx, chat_id, supervisor.id, note)
    if chat.state == "queued":
        await accept(ctx, target, chat_id, reassigned=True)
    elif chat.staff_id == target.id:
        raise Conflict(f"{to} already has this chat", chat_id=chat_id)
    else:
        assert chat.staff_id is not None
        await _move(ctx, chat, chat.staff_id, target, released="reassigned", action="transfer")
    await audit(ctx, supervisor.id, "reassign", chat_id, to)


async def _transfer_target(ctx: ServiceContext, username: str, chat_id: str) -> Staff:
    from server.services.presence import on_duty

    async with ctx.db.read() as session:
        target = (await session.execute(
            select(Staff).where(col(Staff.username) == username, col(Staff.active)))).scalar_one_or_none()
    duty = {s.id: s.status for s in await on_duty(ctx)}
    if target is None or duty.get(target.id) != "available":
        raise Conflict(f"{username} is not available on duty", chat_id=chat_id)
    return target


async def owned_chat(ctx: ServiceContext, staff: Staff, chat_id: str) -> Chat:
    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed":
        raise ChatClosed("the chat is closed", chat_id=chat_id)
    if chat.state != "active" or chat.staff_id != staff.id:
        raise Forbidden("this chat is not assigned to you", chat_id=chat_id)
    return chat


async def close_by_staff(ctx: ServiceContext, staff: Staff, chat_id: str, topics: list[str],
                         outcome: str, referred_to: str | None) -> None:
    """Close an active chat with its tags, or tag one the resident ended while it was yours."""
    unknown = [t for t in topics if t not in TAG_TOPICS]
    if unknown:
        raise InvalidInput(f"unknown topic {unknown[0][:64]!r}: use intent names or 'other'",
                           chat_id=chat_id)
    tags = {"tag_topics": json.dumps(sorted(set(topics))), "outcome": outcome,
            "referred_to": referred_to}
    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed" and chat.closed_by == "resident" and chat.staff_id == staff.id:
        if not await _transition(ctx, chat_id, [
                col(Chat.state) == "closed", col(Chat.staff_id) == staff.id,
                col(Chat.outcome).is_(None)], tags):
            raise Conflict("the chat is already tagged", chat_id=chat_id)
        await ctx.publish(staff_topic(staff.id), ChatReleased(chat_id=chat_id, reason="closed"))
        chat_stats.schedule(ctx, chat_id)  # the tags reach the statistics row too
        return
    chat = await owned_chat(ctx, staff, chat_id)
    if not await _transition(
            ctx, chat_id, [col(Chat.state) == "active", col(Chat.staff_id) == staff.id],
            {"state": "closed", "closed_at": ctx.clock(), "closed_by": "staff", **tags}):
        raise Conflict("the chat changed while closing", chat_id=chat_id)
    await post_message(ctx, chat_id, "system", texts.text("closed_by_staff", chat.lang),
                       allow_closed=True)
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="closed",
                                                          reason="closed_by_staff"))
    await ctx.publish(staff_topic(staff.id), ChatReleased(chat_id=chat_id, reason="closed"))
    chat_stats.schedule(ctx, chat_id)


async def close_by_resident(ctx: ServiceContext, chat_id: str) -> None:
    from server.services.queue import publish_queue

    chat = await load_chat(ctx, chat_id)
    if chat.state == "closed":
        return
    if not await _transition(ctx, chat_id, [col(Chat.state) == chat.state], {
            "state": "closed", "closed_at": ctx.clock(), "closed_by": "resident"}):
        return await close_by_resident(ctx, chat_id)
    await post_message(ctx, chat_id, "system", texts.text("closed_by_resident", chat.lang),
                       allow_closed=True)
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="closed",
                                                          reason="closed_by_resident"))
    chat_stats.schedule(ctx, chat_id)
    if chat.state == "queued":
        await publish_queue(ctx)
