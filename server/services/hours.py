"""Service hours: when people answer the chat (county time zone, weekly schedule, holidays).

Syntax of NEUVO_SERVICE_HOURS:
    always
    mon-fri 08:00-16:00; sat 10:00-14:00; closed 2026-12-24 2026-12-25; tz Europe/Helsinki
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
ALWAYS_TEXT = {"fi": "joka päivä, kellon ympäri", "sv": "alla dagar, dygnet runt",
               "en": "every day, around the clock"}
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceHours:
    always: bool = False
    # weekday (0=Mon) -> list of (start, end) local times
    weekly: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Helsinki"))

    def is_open(self, now: datetime) -> bool:
        if self.always:
            return True
        local = now.astimezone(self.tz)
        if local.date() in self.closed_dates:
            return False
        return any(start <= local.time() < end for start, end in self.weekly.get(local.weekday(), ()))

    def next_opening(self, now: datetime) -> datetime | None:
        """The next moment the service opens (now if open), or None if it never does."""
        if self.always or self.is_open(now):
            return now
        local = now.astimezone(self.tz)
        for offset in range(0, 370):
            day = local.date() + timedelta(days=offset)
            if day in self.closed_dates:
                continue
            for start, _end in sorted(self.weekly.get(day.weekday(), ())):
                candidate = datetime.combine(day, start, tzinfo=self.tz)
                if candidate > local:
                    return candidate
        return None

    def describe(self, lang: str) -> str:
        if self.always:
            return ALWAYS_TEXT.get(lang, ALWAYS_TEXT["en"])
        names = DAY_NAMES.get(lang, DAY_NAMES["en"])
        parts = [f"{_day_span(days, names)} {_ranges_text(ranges, lang)}"
                 for days, ranges in _group_days(self.weekly)]
        return ", ".join(parts) if parts else "—"


def _fmt(t: time, lang: str) -> str:
    sep = ":" if lang == "en" else "."
    return f"{t.hour}{sep}{t.minute:02d}"


def _ranges_text(ranges: tuple[tuple[time, time], ...], lang: str) -> str:
    joiner = {"fi": " ja ", "sv": " och "}.get(lang, " and ")
    return joiner.join(f"{_fmt(s, lang)}–{_fmt(e, lang)}" for s, e in ranges)


def _group_days(
    weekly: dict[int, tuple[tuple[time, time], ...]],
) -> list[tuple[list[int], tuple[tuple[time, time], ...]]]:
    groups: list[tuple[list[int], tuple[tuple[time, time], ...]]] = []
    for day in range(7):
        ranges = weekly.get(day)
        if not ranges:
            continue
        if groups and groups[-1][1] == ranges and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    return groups


def _day_span(days: list[int], names: tuple[str, ...]) -> str:
    return names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"


def _parse_days(token: str) -> list[int]:
    days: list[int] = []
    for piece in token.split(","):
        first, _, last = piece.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"unknown day {piece!r}; use mon..sun, e.g. mon-fri")
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            raise HoursError(f"day range {piece!r} runs backwards")
        days.extend(range(start, end + 1))
    return days


def _parse_range(token: str) -> tuple[time, time]:
    match = _RANGE.match(token)
    if not match:
        raise HoursError(f"time range {token!r} must look like 08:00-16:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise HoursError(f"time range {token!r} is not a valid time")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= start:
        raise HoursError(f"time range {token!r} must end after it starts")
    return start, end


def parse_service_hours(text: str) -> ServiceHours:
    text = text.strip()
    if text.lower() == "always":
        return ServiceHours(always=True)
    weekly: dict[int, list[tuple[time, time]]] = {}
    closed: set[date] = set()
    tz = ZoneInfo("Europe/Helsinki")
    for clause in filter(None, (c.strip() for c in text.split(";"))):
        head, *rest = clause.split()
        if head == "closed":
            try:
                closed.update(date.fromisoformat(d) for d in rest)
            except ValueError as exc:
                raise HoursError(f"closed dates must be YYYY-MM-DD: {clause!r}") from exc
        elif head == "tz":
            try:
                tz = ZoneInfo(" ".join(rest))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise HoursError(f"unknown time zone in {clause!r}") from exc
        else:
            if not rest:
                raise HoursError(f"{clause!r} needs time ranges, e.g. 'mon-fri 08:00-16:00'")
            ranges = [_parse_range(r) for r in rest]
            for day in _parse_days(head.lower()):
                weekly.setdefault(day, []).extend(ranges)
    if not weekly:
        raise HoursError("service hours name no open times; use 'always' or e.g. 'mon-fri 08:00-16:00'")
    return ServiceHours(
        weekly={d: tuple(sorted(r)) for d, r in weekly.items()},
        closed_dates=frozenset(closed), tz=tz,
    )
