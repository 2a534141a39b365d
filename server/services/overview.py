"""The supervisor's live picture: queue, staff on duty and their load, chats, today's volumes."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from server.services import service_config
from server.services.context import ServiceContext
from server.services.presence import on_duty
from server.services.queue import active_counts, queue_items
from server.store.models import Chat, Feedback, Staff, aware


async def overview(ctx: ServiceContext) -> dict[str, Any]:
    now = ctx.clock()
    config = await service_config.current(ctx)
    items = await queue_items(ctx)
    return {
        "queue": {"length": len(items),
                  "longest_wait_s": max((i.waited_s for i in items), default=0),
                  "items": [i.model_dump(mode="json") for i in items]},
        "staff": await on_duty_with_load(ctx),
        "chats": await _active_chats(ctx, now),
        "today": await today_volumes(ctx, _local_midnight(now, config.hours.tz)),
        "service": {"open_now": config.hours.is_open(now)},
        "queues": await _per_queue(ctx, config, items, now),
    }


async def _per_queue(ctx: ServiceContext, config: service_config.ServiceConfig,
                     items: list[Any], now: datetime) -> list[dict[str, Any]]:
    """Each service queue: length, longest wait, open now and staff on duty serving it."""
    duty = [s for s in await on_duty(ctx) if s.answering]
    out = []
    for queue in config.queues.items:
        mine = [i for i in items if config.queues.of(i.queue).id == queue.id]
        out.append({"id": queue.id, "name": queue.name("fi"), "names": queue.names,
                    "length": len(mine),
                    "longest_wait_s": max((i.waited_s for i in mine), default=0),
                    "open_now": config.hours_of(queue.id).is_open(now),
                    "staff_on_duty": sum(1 for s in duty if config.queues.serves(s.id, queue.id))})
    return out


async def on_duty_with_load(ctx: ServiceContext, *,
                            except_id: str | None = None) -> list[dict[str, Any]]:
    """Staff on duty now with their status and chat load, by display name."""
    counts = await active_counts(ctx)
    duty = sorted((s for s in await on_duty(ctx) if s.id != except_id),
                  key=lambda s: s.display_name.casefold())
    return [{"username": s.username, "display_name": s.display_name, "status": s.status,
             "active_chats": counts.get(s.id, 0), "capacity": s.capacity,
             "languages": list(s.languages)} for s in duty]


def _local_midnight(now: datetime, tz: Any) -> datetime:
    """Today's local midnight as a UTC time: SQLite compares stored UTC wall-clock text, so
    every datetime parameter must be in UTC (a Helsinki midnight matched nothing after 22 UTC)."""
    return datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz).astimezone(UTC)


async def _active_chats(ctx: ServiceContext, now: datetime) -> list[dict[str, Any]]:
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(Chat, col(Staff.username), col(Staff.display_name))
            .join(Staff, col(Staff.id) == col(Chat.staff_id))
            .where(col(Chat.state) == "active").order_by(col(Chat.accepted_at)))).all()
    out = []
    for chat, username, display_name in rows:
        since = aware(chat.accepted_at) or now
        out.append({"chat_id": chat.id, "lang": chat.lang, "topic": chat.topic,
                    "queue": chat.queue,
                    "priority": chat.priority, "username": username,
                    "display_name": display_name,
                    "active_s": max(0, int((now - since).total_seconds()))})
    return out


async def today_volumes(ctx: ServiceContext, since: datetime) -> dict[str, Any]:
    async with ctx.db.read() as session:
        chats = (await session.execute(
            select(col(Chat.handoff_at), col(Chat.queued_at), col(Chat.first_accepted_at),
                   col(Chat.closed_at))
            .where(col(Chat.created_at) >= since))).all()
        score_avg, score_count = (await session.execute(
            select(func.avg(col(Feedback.score)), func.count()).select_from(Feedback)
            .where(col(Feedback.created_at) >= since))).one()
    waits = [(aware(accepted) - aware(queued)).total_seconds()  # type: ignore[operator]
             for _h, queued, accepted, _c in chats if queued is not None and accepted is not None]
    return {
        "chats": len(chats),
        "handed_off": sum(1 for h, *_ in chats if h is not None),
        "closed": sum(1 for *_, closed in chats if closed is not None),
        "bot_only": sum(1 for h, _q, _a, closed in chats if h is None and closed is not None),
        "median_wait_s": int(statistics.median(waits)) if waits else None,
        "feedback_avg": round(float(score_avg), 2) if score_avg is not None else None,
        "feedback_count": int(score_count),
    }
