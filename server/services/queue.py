"""The region-wide queue: order, positions, estimated waits, and broadcasting changes."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import col

from server.protocol.frames import QueueItem, QueuePosition, QueueUpdated
from server.services.context import QUEUE_TOPIC, ServiceContext, chat_topic
from server.services.presence import on_duty
from server.store.models import Chat, aware

PICKUP_S = 60  # time for a free staff member to notice and take a chat
HANDLE_SAMPLE = 50


def queue_order() -> tuple[object, ...]:
    return (col(Chat.priority).desc(), col(Chat.requeued).desc(), col(Chat.queued_at).asc(),
            col(Chat.id).asc())


async def queued_chats(ctx: ServiceContext) -> list[Chat]:
    async with ctx.db.read() as session:
        result = await session.execute(
            select(Chat).where(col(Chat.state) == "queued").order_by(*queue_order()))  # type: ignore[arg-type]
        return list(result.scalars())


def to_item(ctx: ServiceContext, chat: Chat) -> QueueItem:
    queued_at = aware(chat.queued_at) or ctx.clock()
    return QueueItem(
        chat_id=chat.id, waited_s=max(0, int((ctx.clock() - queued_at).total_seconds())),
        lang=chat.lang, topic=chat.topic, priority=chat.priority,
        municipality=chat.municipality)


async def queue_items(ctx: ServiceContext) -> list[QueueItem]:
    return [to_item(ctx, chat) for chat in await queued_chats(ctx)]


async def average_handle_s(ctx: ServiceContext) -> float:
    since = ctx.clock() - timedelta(days=7)
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(col(Chat.accepted_at), col(Chat.closed_at))
            .where(col(Chat.closed_at).is_not(None), col(Chat.accepted_at).is_not(None),
                   col(Chat.closed_at) >= since)
            .order_by(col(Chat.closed_at).desc()).limit(HANDLE_SAMPLE))).all()
    durations = [(aware(c) - aware(a)).total_seconds() for a, c in rows  # type: ignore[operator]
                 if a is not None and c is not None]
    durations = [d for d in durations if d > 0]
    if not durations:
        return float(ctx.settings.default_handle_time_s)
    return sum(durations) / len(durations)


async def active_counts(ctx: ServiceContext) -> dict[str, int]:
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(col(Chat.staff_id), func.count()).where(col(Chat.state) == "active")
            .group_by(col(Chat.staff_id)))).all()
    return {sid: n for sid, n in rows if sid is not None}


def estimate_wait(position: int, free_slots: int, total_slots: int,
                  handle_s: float) -> int | None:
    """Seconds until a chat at `position` is likely taken; None when nobody is on duty."""
    if total_slots <= 0:
        return None
    if position <= free_slots:
        return PICKUP_S
    ahead = position - free_slots
    seconds = PICKUP_S + ahead * handle_s / total_slots
    return int(math.ceil(seconds / 30.0) * 30)


async def publish_queue(ctx: ServiceContext) -> None:
    """Tell staff the queue changed and every queued resident their position and wait."""
    chats = await queued_chats(ctx)
    await ctx.publish(QUEUE_TOPIC, QueueUpdated(items=[to_item(ctx, c) for c in chats]))
    if not chats:
        return
    free, total, answering = await _staffing(ctx)
    handle_s = await average_handle_s(ctx)
    for position, chat in enumerate(chats, start=1):
        await ctx.publish(chat_topic(chat.id), QueuePosition(
            chat_id=chat.id, position=position, staff_on_duty=answering,
            estimated_wait_s=estimate_wait(position, free, total, handle_s)))


async def _staffing(ctx: ServiceContext) -> tuple[int, int, int]:
    """(free slots, total slots, staff members answering) right now."""
    staff = [s for s in await on_duty(ctx) if s.answering]
    counts = await active_counts(ctx)
    return (sum(max(0, s.capacity - counts.get(s.id, 0)) for s in staff),
            sum(s.capacity for s in staff), len(staff))


async def position_of(ctx: ServiceContext, chat_id: str) -> QueuePosition | None:
    chats = await queued_chats(ctx)
    for position, chat in enumerate(chats, start=1):
        if chat.id == chat_id:
            free, total, answering = await _staffing(ctx)
            return QueuePosition(chat_id=chat_id, position=position, staff_on_duty=answering,
                                 estimated_wait_s=estimate_wait(
                                     position, free, total, await average_handle_s(ctx)))
    return None
