"""The privacy work each server process runs in the background: the statistics sweep (every
NEUVO_STATS_SWEEP_S) and the retention purge plus audit pruning (every
NEUVO_PURGE_INTERVAL_S; the first run one minute after start at the latest). The purge runs
in one process at a time (see retention.py); the others skip that round."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server.privacy import chat_stats, retention
from server.privacy.audit import prune
from server.services.context import ServiceContext

log = logging.getLogger(__name__)
FIRST_PURGE_AFTER_S = 60.0


async def _every(interval_s: float, first_s: float, work: Callable[[], Awaitable[object]],
                 what: str) -> None:
    await asyncio.sleep(first_s)
    while True:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # logged without contents; the next round retries
            log.warning("%s failed (%s); retrying in %.0f s", what, type(exc).__name__,
                        interval_s)
        await asyncio.sleep(interval_s)


async def _purge_and_prune(ctx: ServiceContext) -> None:
    counts = await retention.purge(ctx)
    if not counts.skipped:
        await prune(ctx)


def tasks(ctx: ServiceContext) -> list[asyncio.Task[None]]:
    """Start the loops; the caller cancels them at shutdown."""
    settings = ctx.settings
    return [
        asyncio.create_task(_every(settings.stats_sweep_s, settings.stats_sweep_s,
                                   lambda: chat_stats.sweep(ctx), "statistics sweep"),
                            name="stats-sweep"),
        asyncio.create_task(_every(settings.purge_interval_s,
                                   min(settings.purge_interval_s, FIRST_PURGE_AFTER_S),
                                   lambda: _purge_and_prune(ctx), "retention purge"),
                            name="retention-purge"),
    ]
