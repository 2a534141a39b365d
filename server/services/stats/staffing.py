"""Workers on duty over time, for the heat map's "demand against staffing".

Every process's sweeper samples once a minute how many staff-role workers are on duty and
available (the same count the queue's wait estimates use) and adds it to that UTC hour's row
(`staffing_hours`). The row remembers the last minute it counted, so when several processes
sample the same minute only the first one counts. The heat map shows, per weekday and hour
(Helsinki time) of the chosen days, the average number on duty in the minutes sampled.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import col

from server.services.context import ServiceContext
from server.services.presence import answering_count
from server.services.stats.filters import TZ, StatsFilter
from server.store.models import aware
from server.store.models_stats import StaffingHour


def minute_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


class Sampler:
    """One per process (the sweeper's): at most one database write per minute."""

    def __init__(self) -> None:
        self.last: datetime | None = None

    async def sample(self, ctx: ServiceContext) -> bool:
        """Record this minute's count unless this process already did; True if it tried."""
        minute = minute_of(ctx.clock())
        if minute == self.last:
            return False
        await record(ctx, minute, await answering_count(ctx))
        self.last = minute
        return True


async def record(ctx: ServiceContext, minute: datetime, on_duty: int) -> None:
    """Count `on_duty` for `minute` in its hour, once (a later call for the same minute,
    from any process, changes nothing)."""
    hour = minute.replace(minute=0)
    table = StaffingHour.__table__  # type: ignore[attr-defined]
    statement = ctx.db.insert(table).values(hour_start=hour, samples=1, staff_sum=on_duty,
                                     last_minute=minute)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.hour_start],
        set_={"samples": table.c.samples + 1,
              "staff_sum": table.c.staff_sum + statement.excluded.staff_sum,
              "last_minute": statement.excluded.last_minute},
        where=table.c.last_minute < statement.excluded.last_minute)
    async with ctx.db.write() as session:
        await session.execute(statement)


async def by_cell(ctx: ServiceContext, flt: StatsFilter) -> dict[tuple[int, int], float]:
    """(weekday 0 = Monday, hour) in Helsinki time → average workers on duty in the minutes
    sampled on the filter's days (language and municipality do not apply). Hours without
    samples are absent."""
    start, end = flt.utc_bounds()
    async with ctx.db.read() as session:
        rows = (await session.execute(select(StaffingHour).where(
            col(StaffingHour.hour_start) >= start, col(StaffingHour.hour_start) < end))).scalars()
        sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            local = (aware(row.hour_start) or row.hour_start).astimezone(TZ)
            cell = sums[(local.weekday(), local.hour)]
            cell[0] += row.staff_sum
            cell[1] += row.samples
    return {cell: round(total / samples, 1) for cell, (total, samples) in sums.items() if samples}
