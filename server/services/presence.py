"""Staff presence: available / away while connected; gone after the grace period."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from server.services.context import ServiceContext
from server.services.errors import InvalidInput
from server.store.models import Staff
from server.vocabulary import one_of

MIN_TTL_S = 3.0


@dataclass(frozen=True)
class OnDuty:
    id: str
    username: str
    display_name: str
    status: str
    capacity: int
    languages: tuple[str, ...]
    # Has the `staff` role: counts towards staffing and wait estimates. A supervisor-only
    # account watching the console is present but does not answer the queue.
    staffing: bool = True

    @property
    def answering(self) -> bool:
        return self.staffing and self.status == "available"


def presence_ttl(ctx: ServiceContext) -> float:
    return max(MIN_TTL_S, ctx.settings.staff_grace_s)


def refresh_interval(ctx: ServiceContext) -> float:
    return max(1.0, min(10.0, presence_ttl(ctx) / 3))


async def set_presence(ctx: ServiceContext, staff_id: str, status: str) -> None:
    await ctx.backends.presence.set(staff_id, status, presence_ttl(ctx))


async def on_duty(ctx: ServiceContext) -> list[OnDuty]:
    present = await ctx.backends.presence.all()
    if not present:
        return []
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(Staff).where(col(Staff.id).in_(list(present)), col(Staff.active)))).scalars()
        return [OnDuty(s.id, s.username, s.display_name, present[s.id], s.capacity,
                       tuple(s.language_list), "staff" in s.role_list)
                for s in rows]


async def answering_count(ctx: ServiceContext) -> int:
    """Staff-role members on duty and available now."""
    return sum(1 for s in await on_duty(ctx) if s.answering)


async def answering_recently(ctx: ServiceContext) -> int:
    """`answering_count` at most a second old: bot turns read it for every resident message."""
    cache, now = ctx.answering, time.monotonic()
    if cache.value is None or now - cache.read_at > cache.max_age_s:
        cache.value, cache.read_at = await answering_count(ctx), now
    return cache.value


async def service_status(ctx: ServiceContext, lang: str,
                         queue_id: str | None = None) -> dict[str, object]:
    """What the widget shows before a chat: open now, staff answering (0 when closed), the
    hours and the announcement in `lang` — of one service queue when `queue_id` is given."""
    from server.services import queues, service_config
    from server.services.queue import answering_in

    if lang not in service_config.LANGS:
        raise InvalidInput(f"lang must be one of {one_of(service_config.LANGS)}")
    config = await service_config.current(ctx)
    queue = config.queues.of(queues.check_queue_id(config.queues, queue_id))
    hours = config.hours_of(queue.id)
    open_now = hours.is_open(ctx.clock())
    own_note = queue.announcement.get(lang) or next(
        (text for text in queue.announcement.values() if text), None)
    return {
        "open_now": open_now,
        "staff_on_duty": await answering_in(ctx, queue.id) if open_now else 0,
        "hours_text": hours.describe(lang, ctx.clock()),
        "announcement": own_note or config.announcement_for(lang),
        "queue": queue.id,
        "queue_name": queue.name(lang),
    }
