"""The weekly follow-up: last week (Monday to Sunday, Helsinki) against the week before, the
changes in shares in percentage points and in counts as differences."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.services.context import ServiceContext
from server.services.stats import aggregates, phone
from server.services.stats.filters import StatsFilter, week_of
from server.services.stats.suppression import HIDDEN, Shown, points

SHARES = ("containment_pct", "handoff_pct", "abandoned_pct", "first_contact_pct")
COUNTS = ("chats", "bot", "staff", "abandoned_queue")


async def week_summary(ctx: ServiceContext, flt: StatsFilter) -> dict[str, Any]:
    counts = await aggregates.collect(ctx, flt, breakdowns=(), hourly=False)
    s = aggregates.suppressed(counts, flt)
    result = aggregates.summary(s, counts)
    uploaded = await phone.calls_by_day(ctx, flt.start, flt.end)
    result["calls"] = sum(uploaded.values()) if uploaded else None  # None: nothing uploaded
    result["from"], result["to"] = flt.start.isoformat(), flt.end.isoformat()
    return result


def _difference(now: Shown, before: Shown) -> Shown | None:
    if isinstance(now, str) or isinstance(before, str):
        return HIDDEN
    return now - before


async def weekly(ctx: ServiceContext, flt: StatsFilter, today: date) -> dict[str, Any]:
    """`last` and `previous` week summaries and `change`: counts as differences, shares in
    percentage points, CSAT in points, median wait in seconds."""
    last_start, last_end = week_of(today - timedelta(days=7))
    previous = await week_summary(ctx, flt.shifted(last_start - timedelta(days=7),
                                                   last_end - timedelta(days=7)))
    last = await week_summary(ctx, flt.shifted(last_start, last_end))
    change: dict[str, Any] = {key: _difference(last[key], previous[key]) for key in COUNTS}
    change["calls"] = (last["calls"] - previous["calls"]
                       if last["calls"] is not None and previous["calls"] is not None else None)
    for key in SHARES:
        change[key] = points(last[key], previous[key])
    change["csat_pct"] = points(last["feedback"]["csat_pct"], previous["feedback"]["csat_pct"])
    change["response_rate_pct"] = points(last["feedback"]["response_rate_pct"],
                                         previous["feedback"]["response_rate_pct"])
    lw, pw = last["wait"]["p50"], previous["wait"]["p50"]
    change["wait_p50"] = (HIDDEN if isinstance(lw, str) or isinstance(pw, str)
                          else None if lw is None or pw is None else round(lw - pw, 1))
    return {"last": last, "previous": previous, "change": change}
