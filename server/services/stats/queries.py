"""The statistics SQL, the same on SQLite and PostgreSQL.

Counts are grouped by the UTC hour a chat was created: Helsinki's offset is whole hours, so
each UTC hour is exactly one local hour, and a year is at most ~8,800 groups whatever the
number of chats. The services turn these into local days, weekdays and hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select, tuple_
from sqlalchemy.sql import Select
from sqlmodel import col

from server.services.context import ServiceContext
from server.services.stats.filters import StatsFilter
from server.store.models_stats import ChatStats

C = ChatStats
HANDLED = ("bot", "staff", "abandoned_queue")
SCORES = (1, 2, 3, 4, 5)
FIRST_CONTACT = "solved_first_contact"


def where(flt: StatsFilter) -> list[ColumnElement[bool]]:
    start, end = flt.utc_bounds()
    conds: list[ColumnElement[bool]] = [col(C.created_at) >= start, col(C.created_at) < end]
    if flt.lang:
        conds.append(col(C.lang) == flt.lang)
    if flt.municipality:
        conds.append(col(C.municipality) == flt.municipality)
    if flt.queue:
        conds.append(col(C.queue) == flt.queue)
    return conds


def hour_bucket(ctx: ServiceContext) -> ColumnElement[Any]:
    """The UTC hour of created_at: 'YYYY-MM-DD HH' text on SQLite (it stores UTC text), a
    timestamptz from date_trunc on PostgreSQL (cheaper than formatting 100,000 rows)."""
    if ctx.db.is_sqlite:
        return func.substr(col(C.created_at), 1, 13)
    return func.date_trunc(literal_column("'hour'"), col(C.created_at))


def parse_bucket(raw: str | datetime) -> datetime:
    if isinstance(raw, datetime):
        return raw.astimezone(UTC)
    return datetime.strptime(raw[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((cond, 1), else_=0))


# The counted columns of the hourly cube, in order (see definitions.py for their meaning).
CUBE = ("chats", "bot", "staff", "abandoned_queue", "first_contact", "feedback", "score_1",
        "score_2", "score_3", "score_4", "score_5")


def _cube_columns() -> list[ColumnElement[Any]]:
    staff = col(C.handled_by) == "staff"
    return [
        func.count(),
        *(_count_if(col(C.handled_by) == h) for h in HANDLED),
        _count_if(and_(staff, col(C.outcome) == FIRST_CONTACT)),
        _count_if(col(C.feedback_score).is_not(None)),
        *(_count_if(col(C.feedback_score) == s) for s in SCORES),
    ]


Cube = list[tuple[datetime, list[int]]]
Breakdowns = dict[str, list[tuple[Any, int]]]


async def hourly_cube(ctx: ServiceContext, flt: StatsFilter) -> Cube:
    bucket = hour_bucket(ctx)
    stmt = select(bucket, *_cube_columns()).where(*where(flt)).group_by(bucket)
    async with ctx.db.read() as session:
        rows = (await session.execute(stmt)).all()
    return [(parse_bucket(row[0]), [int(v or 0) for v in row[1:]]) for row in rows]


async def cube_and_breakdowns(ctx: ServiceContext, flt: StatsFilter,
                              names: Sequence[str]) -> tuple[Cube, Breakdowns]:
    """The hourly cube and the breakdowns. PostgreSQL reads the rows once (GROUPING SETS);
    SQLite, which has no grouping sets, runs one query each."""
    if ctx.db.is_sqlite or not names:
        return (await hourly_cube(ctx, flt),
                {name: await breakdown(ctx, flt, name) for name in names})
    keys = [hour_bucket(ctx), *(getattr(C, name) for name in names)]
    stmt = (select(func.grouping(*keys), *keys, *_cube_columns()).where(*where(flt))
            .group_by(func.grouping_sets(*(tuple_(key) for key in keys))))
    async with ctx.db.read() as session:
        rows = (await session.execute(stmt)).all()
    full = (1 << len(keys)) - 1
    which = {full ^ (1 << (len(keys) - 1 - i)): i for i in range(len(keys))}
    cube: Cube = []
    found: Breakdowns = {name: [] for name in names}
    for row in rows:
        index = which[int(row[0])]
        counts = [int(v or 0) for v in row[1 + len(keys):]]
        if index == 0:
            cube.append((parse_bucket(row[1]), counts))
        else:
            found[names[index - 1]].append((row[1 + index], counts[0]))
    return cube, found


async def waits(ctx: ServiceContext, flt: StatsFilter) -> list[tuple[datetime, float]]:
    """(created_at, wait_s) of every chat a person accepted. Percentiles are computed by the
    caller so that SQLite and PostgreSQL give the same figures (linear interpolation)."""
    stmt = (select(col(C.created_at), col(C.wait_s))
            .where(*where(flt), col(C.wait_s).is_not(None)))
    async with ctx.db.read() as session:
        rows = (await session.execute(stmt)).all()
    return [(_aware(created), float(wait)) for created, wait in rows if wait is not None]


async def breakdown(ctx: ServiceContext, flt: StatsFilter, column: str) -> list[tuple[Any, int]]:
    """(value, chats) for one column (topic, outcome, municipality, lang, tag_topics, ...)."""
    field = getattr(C, column)
    stmt = select(field, func.count()).where(*where(flt)).group_by(field)
    async with ctx.db.read() as session:
        return [(value, int(n)) for value, n in (await session.execute(stmt)).all()]


def conversations_query(flt: StatsFilter) -> Select[Any]:
    return select(C).where(*where(flt)).order_by(col(C.created_at), col(C.chat_id))


async def wait_percentiles_pg(ctx: ServiceContext, flt: StatsFilter,
                              ) -> tuple[dict[Any, tuple[int, float, float]], tuple[int, Any, Any]]:
    """PostgreSQL: n, p50 and p90 of the waits per local day and for the whole range, computed
    in the database with percentile_cont (linear interpolation, as `aggregates.percentile`)."""
    day = func.date(func.timezone("Europe/Helsinki", col(C.created_at)))
    p50 = func.percentile_cont(0.5).within_group(col(C.wait_s))
    p90 = func.percentile_cont(0.9).within_group(col(C.wait_s))
    cond = [*where(flt), col(C.wait_s).is_not(None)]
    async with ctx.db.read() as session:
        days = (await session.execute(
            select(day, func.count(), p50, p90).where(*cond).group_by(day))).all()
        total = (await session.execute(select(func.count(), p50, p90).where(*cond))).one()
    return ({d: (int(n), float(a), float(b)) for d, n, a, b in days},
            (int(total[0]), total[1], total[2]))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
