"""Whether a resident is still there: abandoned queued chats, idle bot chats, "the resident
has left" for staff.

Each process knows which residents have a socket open on it (`ResidentsOnline`). For queued
and active chats it writes `resident_seen_at` when a resident connects or leaves, and in one
statement per sweep for every resident still connected (a killed process simply stops
writing). The sweeper of any process then acts with conditional UPDATEs, so exactly one
process closes an abandoned chat or tells staff that a resident has left.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import col

from server.privacy import chat_stats
from server.protocol.frames import ChatPresence, ChatStateFrame
from server.services import texts
from server.services.context import ServiceContext, chat_topic, staff_topic
from server.services.messages import post_message
from server.store.models import Chat, aware

log = logging.getLogger(__name__)
WATCHED_STATES = ("queued", "active")
HEARTBEAT_CHUNK = 500


def _stamp(value: datetime | None, fallback: datetime) -> str:
    return (aware(value) or fallback).isoformat().replace("+00:00", "Z")


async def resident_connected(ctx: ServiceContext, chat_id: str) -> None:
    """A resident socket said hello: they are here (and staff hear it if they were told
    otherwise)."""
    ctx.residents.add(chat_id)
    now = ctx.clock()
    async with ctx.db.write() as session:
        returned = (await session.execute(
            update(Chat).where(col(Chat.id) == chat_id, col(Chat.resident_away))
            .values(resident_away=False).returning(col(Chat.staff_id), col(Chat.state)))).first()
        await session.execute(
            update(Chat).where(col(Chat.id) == chat_id, col(Chat.state).in_(WATCHED_STATES))
            .values(resident_seen_at=now))
    if returned is not None and returned[0] is not None and returned[1] == "active":
        await ctx.publish(staff_topic(returned[0]), ChatPresence(
            chat_id=chat_id, resident_online=True, since=_stamp(now, now)))


async def resident_disconnected(ctx: ServiceContext, chat_id: str) -> None:
    if not ctx.residents.remove(chat_id):
        return  # another tab of the chat is still open here
    async with ctx.db.write() as session:
        await session.execute(
            update(Chat).where(col(Chat.id) == chat_id, col(Chat.state).in_(WATCHED_STATES))
            .values(resident_seen_at=ctx.clock()))


async def heartbeat(ctx: ServiceContext) -> None:
    """Mark every queued or active chat with a resident socket open here as seen now."""
    ids = ctx.residents.chat_ids()
    now = ctx.clock()
    for start in range(0, len(ids), HEARTBEAT_CHUNK):
        chunk = ids[start:start + HEARTBEAT_CHUNK]
        async with ctx.db.write() as session:
            # Rows locked in id order first, as the message writer locks them (an UPDATE
            # over many rows locks them in whatever order its plan meets them, and two such
            # transactions deadlock: PostgreSQL breaks it after deadlock_timeout, a second
            # in which every message of those chats waits). Rows a writer holds now are
            # skipped: they are marked on the next beat, long before anyone counts as gone.
            free = (await session.execute(
                select(col(Chat.id)).where(col(Chat.id).in_(chunk)).order_by(col(Chat.id))
                .with_for_update(key_share=True, skip_locked=True))).scalars().all()
            await session.execute(
                update(Chat).where(col(Chat.id).in_(free), col(Chat.state).in_(WATCHED_STATES))
                .values(resident_seen_at=now))


async def sweep(ctx: ServiceContext) -> int:
    """Heartbeat, then close abandoned queued chats and idle bot chats and tell staff about
    residents who left. Returns how many chats changed."""
    await heartbeat(ctx)
    changed = await _abandon_queued(ctx)
    changed += await _close_idle_bot_chats(ctx)
    changed += await _mark_residents_gone(ctx)
    return changed


async def _close_all(ctx: ServiceContext, where: list[object], outcome: str) -> list[tuple[str, str]]:
    now = ctx.clock()
    async with ctx.db.write() as session:
        rows = (await session.execute(
            update(Chat).where(*where).values(  # type: ignore[arg-type]
                state="closed", closed_at=now, closed_by="system", outcome=outcome)
            .returning(col(Chat.id), col(Chat.lang)))).all()
    for chat_id, lang in rows:
        await post_message(ctx, chat_id, "system", texts.text(f"closed_{outcome}", lang),
                           allow_closed=True)
        await ctx.publish(chat_topic(chat_id), ChatStateFrame(
            chat_id=chat_id, state="closed", reason=outcome))
        chat_stats.schedule(ctx, chat_id)
    return [(chat_id, lang) for chat_id, lang in rows]


async def _abandon_queued(ctx: ServiceContext) -> int:
    from server.services.queue import publish_queue

    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.queue_abandon_s)
    closed = await _close_all(ctx, [
        col(Chat.state) == "queued",
        func.coalesce(col(Chat.resident_seen_at), col(Chat.queued_at)) < cutoff], "abandoned")
    if closed:
        log.info("closed %d queued chats whose residents had left", len(closed))
        await publish_queue(ctx)
    return len(closed)


async def _close_idle_bot_chats(ctx: ServiceContext) -> int:
    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.bot_idle_close_s)
    closed = await _close_all(ctx, [
        col(Chat.state) == "bot",
        func.coalesce(col(Chat.last_activity_at), col(Chat.created_at)) < cutoff], "idle")
    if closed:
        log.info("closed %d idle bot chats", len(closed))
    return len(closed)


async def _mark_residents_gone(ctx: ServiceContext) -> int:
    now = ctx.clock()
    cutoff = now - timedelta(seconds=ctx.settings.resident_gone_s)
    async with ctx.db.write() as session:
        rows = (await session.execute(
            update(Chat).where(
                col(Chat.state) == "active", ~col(Chat.resident_away),
                func.coalesce(col(Chat.resident_seen_at), col(Chat.accepted_at)) < cutoff)
            .values(resident_away=True)
            .returning(col(Chat.id), col(Chat.staff_id), col(Chat.resident_seen_at)))).all()
    for chat_id, staff_id, seen in rows:
        if staff_id is not None:
            await ctx.publish(staff_topic(staff_id), ChatPresence(
                chat_id=chat_id, resident_online=False, since=_stamp(seen, now)))
    return len(rows)
