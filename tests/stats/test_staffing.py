"""Workers on duty over time (the heat map's demand against staffing), on SQLite and
PostgreSQL: one count per minute whichever process samples it, averages per Helsinki
weekday and hour, and the report's heat map cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.services.context import ServiceContext
from server.services.stats import aggregates, staffing
from server.services.stats.filters import StatsFilter

MONDAY_10_HELSINKI = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)  # UTC+2 in November
WEEK = StatsFilter(start=date(2026, 11, 9), end=date(2026, 11, 15))


async def test_each_minute_counts_once_and_hours_average(ctx: ServiceContext) -> None:
    minute = MONDAY_10_HELSINKI
    await staffing.record(ctx, minute, 2)
    await staffing.record(ctx, minute, 7)  # another process, the same minute: ignored
    await staffing.record(ctx, minute + timedelta(minutes=1), 3)
    await staffing.record(ctx, minute + timedelta(minutes=1), 9)  # again: ignored
    # Tuesday 23:30 UTC is Wednesday 01:30 in Helsinki.
    await staffing.record(ctx, datetime(2026, 11, 10, 23, 30, tzinfo=UTC), 1)
    assert await staffing.by_cell(ctx, WEEK) == {(0, 10): 2.5, (2, 1): 1.0}
    # Another week has no samples; the filter's days bound what is read.
    assert await staffing.by_cell(ctx, StatsFilter(date(2026, 11, 16), date(2026, 11, 22))) == {}
    assert await staffing.by_cell(ctx, StatsFilter(date(2026, 11, 11), date(2026, 11, 11))) == {
        (2, 1): 1.0}


async def test_the_sampler_writes_once_a_minute(ctx: ServiceContext) -> None:
    now = MONDAY_10_HELSINKI + timedelta(seconds=5)
    ctx.clock = lambda: now
    sampler = staffing.Sampler()
    assert await sampler.sample(ctx)
    assert not await sampler.sample(ctx)  # the same minute: no second write
    now += timedelta(minutes=1)
    assert await sampler.sample(ctx)
    # Nobody is on duty in this test: two minutes of zero.
    assert await staffing.by_cell(ctx, WEEK) == {(0, 10): 0.0}


async def test_the_heat_map_carries_staff_on_duty(ctx: ServiceContext) -> None:
    await staffing.record(ctx, MONDAY_10_HELSINKI, 4)
    # No chats at all in the range (a new installation): the report still has every cell.
    report = await aggregates.report(ctx, WEEK)
    assert report["summary"]["chats"] == 0 and len(report["heatmap"]) == 7 * 24
    cells = {(c["weekday"], c["hour"]): c["staff_on_duty"] for c in report["heatmap"]}
    assert cells[(0, 10)] == 4.0
    assert cells[(0, 11)] is None  # no samples: unknown, not zero
