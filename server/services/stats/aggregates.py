"""The statistics report: one set of counts for a filter, suppressed as one table system so
that the same cell shows the same way in every chart, table, API answer and CSV."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.services.context import ServiceContext
from server.services.stats import phone, queries, staffing
from server.services.stats.filters import TZ, StatsFilter, local_day
from server.services.stats.suppression import HIDDEN, Line, Shown, share, shown, suppress

HANDLED = queries.HANDLED
SCORES = queries.SCORES
BREAKDOWNS = ("topic", "tag_topics", "outcome", "municipality", "lang", "queue", "entry_queue",
              "queue_moved")
NONE = "none"  # the key of a missing value (no topic, no outcome, no municipality)
Key = tuple[Hashable, ...]


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Counts:
    """Raw counts before suppression, keyed by tuples: ("all", col), ("day", d, col),
    ("wd", weekday, col), ("cell", weekday, hour, col), ("hour", hour, col),
    ("by", breakdown, value)."""

    values: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    waits: dict[date, list[float]] = field(default_factory=lambda: defaultdict(list))
    all_waits: list[float] = field(default_factory=list)
    # PostgreSQL computes the percentiles itself: (n, p50, p90) per day and for the range.
    wait_days: dict[date, tuple[int, float, float]] | None = None
    wait_all: tuple[int, Any, Any] | None = None

    def add(self, key: Key, n: int) -> None:
        self.values[key] += n


async def collect(ctx: ServiceContext, flt: StatsFilter, *, breakdowns: Iterable[str] = BREAKDOWNS,
                  hourly: bool = True) -> Counts:
    counts = Counts()
    for column in queries.CUBE:
        counts.add(("all", column), 0)
    for day in flt.days:
        for column in ("chats", *HANDLED):
            counts.add(("day", day, column), 0)
    if hourly:  # every cell exists, also for a range without chats (a new installation)
        for column in ("chats", "abandoned_queue"):
            for wd in range(7):
                counts.add(("wd", wd, column), 0)
                for hour in range(24):
                    counts.add(("cell", wd, hour, column), 0)
            for hour in range(24):
                counts.add(("hour", hour, column), 0)
    names = list(breakdowns)
    cube, found = await queries.cube_and_breakdowns(ctx, flt, names)
    for bucket, row in cube:
        local = bucket.astimezone(TZ)
        named = dict(zip(queries.CUBE, row, strict=True))
        for column, n in named.items():
            counts.add(("all", column), n)
        for column in ("chats", *HANDLED):
            counts.add(("day", local.date(), column), named[column])
        if hourly:
            for column in ("chats", "abandoned_queue"):
                counts.add(("cell", local.weekday(), local.hour, column), named[column])
                counts.add(("wd", local.weekday(), column), named[column])
                counts.add(("hour", local.hour, column), named[column])
    for name in names:
        for value, n in found[name]:
            if name == "tag_topics":  # a comma list: each topic counts the chat once
                for topic in sorted(set(filter(None, (value or "").split(",")))) or [NONE]:
                    counts.add(("by", name, topic), n)
            else:
                counts.add(("by", name, value if value is not None else NONE), n)
    await _collect_waits(ctx, flt, counts)
    return counts


async def _collect_waits(ctx: ServiceContext, flt: StatsFilter, counts: Counts) -> None:
    if not ctx.db.is_sqlite:
        counts.wait_days, counts.wait_all = await queries.wait_percentiles_pg(ctx, flt)
        return
    for created, wait in await queries.waits(ctx, flt):
        counts.waits[local_day(created)].append(wait)
        counts.all_waits.append(wait)


def lines_for(counts: Counts, flt: StatsFilter) -> list[Line[Key]]:
    """Which shown cells add up to which shown totals."""
    keys = set(counts.values)
    lines: list[Line[Key]] = [Line([("all", h) for h in HANDLED], ("all", "chats")),
                              Line([("all", f"score_{s}") for s in SCORES], ("all", "feedback"))]
    counts.values[("all", "staff_other")] = (counts.values[("all", "staff")]
                                           - counts.values[("all", "first_contact")])
    lines.append(Line([("all", "first_contact"), ("all", "staff_other")], ("all", "staff")))
    counts.values[("all", "no_feedback")] = (counts.values[("all", "chats")]
                                           - counts.values[("all", "feedback")])
    lines.append(Line([("all", "feedback"), ("all", "no_feedback")], ("all", "chats")))
    for column in ("chats", *HANDLED):
        lines.append(Line([("day", d, column) for d in flt.days], ("all", column)))
    for day in flt.days:
        lines.append(Line([("day", day, h) for h in HANDLED], ("day", day, "chats")))
    if ("wd", 0, "chats") in keys or any(k[0] == "cell" for k in keys):
        for column in ("chats", "abandoned_queue"):
            for wd in range(7):
                counts.add(("wd", wd, column), 0)
                lines.append(Line([("cell", wd, h, column) for h in range(24)], ("wd", wd, column)))
                lines.append(Line([("day", d, column) for d in flt.days if d.weekday() == wd],
                                  ("wd", wd, column)))
            for hour in range(24):
                counts.add(("hour", hour, column), 0)
                lines.append(Line([("cell", wd, hour, column) for wd in range(7)],
                                  ("hour", hour, column)))
                for wd in range(7):
                    counts.add(("cell", wd, hour, column), 0)
            lines.append(Line([("wd", wd, column) for wd in range(7)], ("all", column)))
            lines.append(Line([("hour", h, column) for h in range(24)], ("all", column)))
    by_name: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        if key[0] == "by":
            by_name[str(key[1])].append(key)
    for name, parts in by_name.items():
        if name != "tag_topics":  # a chat can have several tagged topics: no sum to reveal
            lines.append(Line(sorted(parts, key=str), ("all", "chats")))
    return lines


def suppressed(counts: Counts, flt: StatsFilter) -> dict[Key, Shown]:
    lines = lines_for(counts, flt)
    values = dict(counts.values)
    return shown(values, suppress(values, lines))


def _waits(values: list[float], computed: tuple[int, Any, Any] | None = None) -> dict[str, Any]:
    """n, p50, p90 from the values, or as the database computed them."""
    if computed is not None:
        n, p50, p90 = computed
    else:
        n, p50, p90 = len(values), percentile(values, 0.5), percentile(values, 0.9)
    if n < 5:  # a percentile of fewer than five waits would describe individuals
        return {"n": "<5" if n else 0, "p50": HIDDEN if n else None, "p90": HIDDEN if n else None}
    return {"n": n, "p50": round(float(p50), 1) if p50 is not None else None,
            "p90": round(float(p90), 1) if p90 is not None else None}


def summary(s: dict[Key, Shown], counts: Counts) -> dict[str, Any]:
    a = {name: s[("all", name)] for name in (*queries.CUBE, "staff_other", "no_feedback")}
    handoff = _handoff(a["chats"], a["bot"], a["staff"], a["abandoned_queue"])
    return {
        "chats": a["chats"], "bot": a["bot"], "staff": a["staff"],
        "abandoned_queue": a["abandoned_queue"], "handoff": handoff,
        "containment_pct": share(a["bot"], a["chats"]),
        "staff_pct": share(a["staff"], a["chats"]),
        "handoff_pct": share(handoff, a["chats"]),
        "abandoned_pct": share(a["abandoned_queue"], a["chats"]),
        "first_contact": a["first_contact"],
        "first_contact_pct": share(a["first_contact"], a["staff"]),
        "wait": _waits(counts.all_waits, counts.wait_all),
        "feedback": feedback(s),
    }


def feedback(s: dict[Key, Shown]) -> dict[str, Any]:
    scores = {str(n): s[("all", f"score_{n}")] for n in SCORES}
    given = s[("all", "feedback")]
    exact = all(isinstance(v, int) for v in scores.values()) and isinstance(given, int)
    mean: float | str | None = None
    if exact and isinstance(given, int) and given:
        mean = round(sum(int(k) * int(v) for k, v in scores.items()) / given, 2)
    elif not exact:
        mean = HIDDEN  # the mean and the total would reveal a hidden score count
    satisfied = _sum(scores["4"], scores["5"])
    return {"scores": scores, "responses": given,
            "response_rate_pct": share(given, s[("all", "chats")]),
            "mean": mean, "csat_pct": share(satisfied, given) if exact else HIDDEN}


def _handoff(chats: Shown, bot: Shown, staff: Shown, abandoned: Shown) -> Shown:
    """Chats handed to a person: chats - bot when both show (then it reveals nothing new)."""
    if isinstance(chats, int) and isinstance(bot, int):
        rest = chats - bot
        return "<5" if 0 < rest < 5 else rest
    return _sum(staff, abandoned)


def _sum(*parts: Shown) -> Shown:
    if any(isinstance(p, str) for p in parts):
        return HIDDEN
    total = sum(int(p) for p in parts)
    return "<5" if 0 < total < 5 else total


def days(s: dict[Key, Shown], counts: Counts, flt: StatsFilter) -> list[dict[str, Any]]:
    rows = []
    for day in flt.days:
        row: dict[str, Any] = {"day": day.isoformat()}
        for column in ("chats", *HANDLED):
            row[column] = s[("day", day, column)]
        row["containment_pct"] = share(row["bot"], row["chats"])
        row["handoff_pct"] = share(_handoff(row["chats"], row["bot"], row["staff"],
                                            row["abandoned_queue"]), row["chats"])
        computed = None
        if counts.wait_days is not None:
            computed = counts.wait_days.get(day, (0, None, None))
        waits = _waits(counts.waits.get(day, []), computed)
        row["wait_p50"], row["wait_p90"] = waits["p50"], waits["p90"]
        rows.append(row)
    return rows


def heatmap(s: dict[Key, Shown], on_duty: dict[tuple[int, int], float]) -> list[dict[str, Any]]:
    return [{"weekday": wd, "hour": hour, "chats": s[("cell", wd, hour, "chats")],
             "abandoned_queue": s[("cell", wd, hour, "abandoned_queue")],
             "staff_on_duty": on_duty.get((wd, hour))}
            for wd in range(7) for hour in range(24)]


def breakdown_rows(s: dict[Key, Shown], name: str) -> list[dict[str, Any]]:
    items = [(str(k[2]), v) for k, v in s.items() if k[0] == "by" and k[1] == name]
    order = sorted(items, key=lambda kv: (-(kv[1] if isinstance(kv[1], int) else 0), kv[0]))
    return [{"value": value, "chats": n} for value, n in order]


async def report(ctx: ServiceContext, flt: StatsFilter) -> dict[str, Any]:
    counts = await collect(ctx, flt)
    s = suppressed(counts, flt)
    calls = await phone.calls_by_day(ctx, flt.start, flt.end)
    on_duty = await staffing.by_cell(ctx, flt)
    rows = days(s, counts, flt)
    for row in rows:
        row["calls"] = calls.get(date.fromisoformat(row["day"]))
    return {"filter": flt.as_params(), "summary": summary(s, counts), "days": rows,
            "heatmap": heatmap(s, on_duty),
            **{name: breakdown_rows(s, name) for name in BREAKDOWNS}}
