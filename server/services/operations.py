"""What an operator's /metrics scrape needs that no counter records: the queue per language
(length, longest wait), staff on duty, whether the service is open, and the round-trip time
of the database and Redis. Read-only; one call per scrape."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from server.services import presence, queue, service_config
from server.services.context import ServiceContext

PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class QueueStats:
    length: int = 0
    longest_wait_s: int = 0


@dataclass(frozen=True)
class Snapshot:
    queues: dict[str, QueueStats] = field(default_factory=dict)  # by language
    staff_on_duty: int = 0
    service_open: bool = False
    database_rtt_s: float | None = None  # None: unreachable
    redis_rtt_s: float | None = None  # None: unreachable or not configured


async def _timed(probe: object) -> float | None:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe, PROBE_TIMEOUT_S)  # type: ignore[arg-type]
    except Exception:  # an outage is what the gauge reports, not an error of the scrape
        return None
    return time.perf_counter() - started


async def snapshot(ctx: ServiceContext, langs: tuple[str, ...]) -> Snapshot:
    database_rtt = await _timed(ctx.db.ping())
    redis_rtt = await _timed(ctx.backends.bus.ping()) if ctx.backends.redis is not None else None
    if database_rtt is None:
        return Snapshot(redis_rtt_s=redis_rtt)
    items = await queue.queue_items(ctx)
    queues = {}
    for lang in langs:
        waits = [item.waited_s for item in items if item.lang == lang]
        queues[lang] = QueueStats(len(waits), max(waits, default=0))
    config = await service_config.current(ctx)
    return Snapshot(queues=queues, staff_on_duty=await presence.answering_count(ctx),
                    service_open=config.hours.is_open(ctx.clock()),
                    database_rtt_s=database_rtt, redis_rtt_s=redis_rtt)
