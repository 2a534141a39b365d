"""The service queues: order, positions and estimated waits per queue (from that queue's
handling times and the staff on duty who serve it), and broadcasting changes. Staff sockets
get every queued chat with its `queue`; the console shows the staff member's own queues."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import col

from server.protocol.frames import QueueItem, QueuePosition, QueueUpdated
from server.services import service_config
from server.services.context import QUEUE_TOPIC, ServiceContext, chat_topic
from server.services.presence import OnDuty, on_duty
from server.services.queue_config import Queues
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
        municipality=chat.municipality, queue=chat.queue)


async def queue_items(ctx: ServiceContext) -> list[QueueItem]:
    return [to_item(ctx, chat) for chat in await queued_chats(ctx)]


async def average_handle_s(ctx: ServiceContext, queue_id: str) -> float:
    """The queue's mean handling time over its last HANDLE_SAMPLE chats of the past week."""
    since = ctx.clock() - timedelta(days=7)
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(col(Chat.accepted_at), col(Chat.closed_at))
            .where(col(Chat.closed_at).is_not(None), col(Chat.accepted_at).is_not(None),
                   col(Chat.closed_at) >= since, col(Chat.queue) == queue_id)
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
    """Tell staff the queue changed and every queued resident their position and wait in
    their own queue."""
    chats = await queued_chats(ctx)
    await ctx.publish(QUEUE_TOPIC, QueueUpdated(items=[to_item(ctx, c) for c in chats]))
    if not chats:
        return
    by_queue: dict[str, list[Chat]] = {}
    for chat in chats:
        by_queue.setdefault(chat.queue, []).append(chat)
    duty = await on_duty(ctx)
    counts = await active_counts(ctx)
    queues = (await service_config.current(ctx)).queues
    for queue_id, waiting in by_queue.items():
        free, total, answering = _staffing(duty, counts, queues, queue_id)
        handle_s = await average_handle_s(ctx, queue_id)
        for position, chat in enumerate(waiting, start=1):
            await ctx.publish(chat_topic(chat.id), QueuePosition(
                chat_id=chat.id, position=position, staff_on_duty=answering,
                estimated_wait_s=estimate_wait(position, free, total, handle_s)))


def _staffing(duty: list[OnDuty], counts: dict[str, int], queues: Queues,
              queue_id: str) -> tuple[int, int, int]:
    """(free slots, total slots, staff members answering) in one queue right now."""
    staff = [s for s in duty if s.answering and queues.serves(s.id, queue_id)]
    return (sum(max(0, s.capacity - counts.get(s.id, 0)) for s in staff),
            sum(s.capacity for s in staff), len(staff))


async def answering_in(ctx: ServiceContext, queue_id: str) -> int:
    """Staff members on duty and answering who serve the queue."""
    queues = (await service_config.current(ctx)).queues
    return _staffing(await on_duty(ctx), {}, queues, queue_id)[2]


async def position_of(ctx: ServiceContext, chat_id: str) -> QueuePosition | None:
    chats = await queued_chats(ctx)
    mine = next((c for c in chats if c.id == chat_id), None)
    if mine is None:
        return None
    waiting = [c for c in chats if c.queue == mine.queue]
    position = waiting.index(mine) + 1
    queues = (await service_config.current(ctx)).queues
    free, total, answering = _staffing(await on_duty(ctx), await active_counts(ctx), queues,
                                       mine.queue)
    return QueuePosition(chat_id=chat_id, position=position, staff_on_duty=answering,
                         estimated_wait_s=estimate_wait(
                             position, free, total, await average_handle_s(ctx, mine.queue)))
