"""Service hours: when people answer the chat (county time zone, weekly schedule, holidays).

Syntax of NEUVO_SERVICE_HOURS:
    always
    mon-fri 08:00-16:00; sat 10:00-14:00; closed 2026-12-24 2026-12-25; tz Europe/Helsinki
    always; closed 2026-12-24; closed 2026-12-03 12:00-16:00

`closed` takes dates (YYYY-MM-DD); a time range after a date closes only that part of the
day. Supervisors can replace these hours in the console (stored in the database, see
server/services/service_config.py); the environment setting is the initial default.
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
class Closure:
    """An exception: closed all day (`start` None) or for a time range on one date."""

    day: date
    start: time | None = None
    end: time | None = None
    note: str = ""


@dataclass(frozen=True)
class ServiceHours:
    always: bool = False
    # weekday (0=Mon) -> list of (start, end) local times
    weekly: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    closures: tuple[Closure, ...] = ()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Helsinki"))

    def open_ranges(self, day: date) -> list[tuple[time, time]]:
        """The local open times on `day`, with that day's closures taken out."""
        ranges = [(time.min, time.max)] if self.always else list(self.weekly.get(day.weekday(), ()))
        for closure in self.closures:
            if closure.day != day:
                continue
            if closure.start is None or closure.end is None:
                return []
            ranges = _subtract(ranges, closure.start, closure.end)
        return ranges

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        return any(start <= local.time() < end for start, end in self.open_ranges(local.date()))

    def next_opening(self, now: datetime) -> datetime | None:
        """The next moment the service opens (now if open), or None if it never does."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.tz)
        for offset in range(0, 370):
            day = local.date() + timedelta(days=offset)
            for start, _end in self.open_ranges(day):
                candidate = datetime.combine(day, start, tzinfo=self.tz)
                if candidate > local:
                    return candidate
        return None

    def describe(self, lang: str, now: datetime | None = None) -> str:
        """The weekly hours in words; with `now`, also the closures of the next 14 days."""
        if self.always:
            text = ALWAYS_TEXT.get(lang, ALWAYS_TEXT["en"])
        else:
            names = DAY_NAMES.get(lang, DAY_NAMES["en"])
            parts = [f"{_day_span(days, names)} {_ranges_text(ranges, lang)}"
                     for days, ranges in _group_days(self.weekly)]
            text = ", ".join(parts) if parts else "—"
        if now is None:
            return text
        today = now.astimezone(self.tz).date()
        soon = [c for c in sorted(self.closures, key=lambda c: (c.day, c.start or time.min))
                if today <= c.day <= today + timedelta(days=14)]
        if soon:
            text += "; " + ", ".join(_closure_text(c, lang) for c in soon)
        return text


def _subtract(ranges: list[tuple[time, time]], start: time,
              end: time) -> list[tuple[time, time]]:
    out: list[tuple[time, time]] = []
    for r_start, r_end in ranges:
        if end <= r_start or start >= r_end:
            out.append((r_start, r_end))
            continue
        if r_start < start:
            out.append((r_start, start))
        if end < r_end:
            out.append((end, r_end))
    return out


CLOSED_WORD = {"fi": "suljettu", "sv": "stängt", "en": "closed"}


def _closure_text(closure: Closure, lang: str) -> str:
    day = f"{closure.day.day}.{closure.day.month}."
    word = CLOSED_WORD.get(lang, CLOSED_WORD["en"])
    if closure.start is None or closure.end is None:
        return f"{day} {word}"
    return f"{day} {word} {_fmt(closure.start, lang)}–{_fmt(closure.end, lang)}"


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


def _parse_closed(tokens: list[str], clause: str) -> list[Closure]:
    """`closed 2026-12-24 2026-12-03 12:00-16:00`: a time range applies to the date before it."""
    closures: list[Closure] = []
    for token in tokens:
        if _RANGE.match(token):
            if not closures:
                raise HoursError(f"a time range must follow a date in {clause!r}")
            start, end = _parse_range(token)
            last = closures[-1]
            if last.start is None:
                closures[-1] = Closure(last.day, start, end)
            else:
                closures.append(Closure(last.day, start, end))
            continue
        try:
            closures.append(Closure(date.fromisoformat(token)))
        except ValueError as exc:
            raise HoursError(f"closed dates must be YYYY-MM-DD: {clause!r}") from exc
    if not closures:
        raise HoursError(f"{clause!r} names no dates")
    return closures


def parse_service_hours(text: str) -> ServiceHours:
    text = text.strip()
    weekly: dict[int, list[tuple[time, time]]] = {}
    closures: list[Closure] = []
    always = False
    tz = ZoneInfo("Europe/Helsinki")
    for clause in filter(None, (c.strip() for c in text.split(";"))):
        head, *rest = clause.split()
        if head.lower() == "always" and not rest:
            always = True
        elif head == "closed":
            closures.extend(_parse_closed(rest, clause))
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
    if always and weekly:
        raise HoursError("'always' cannot be combined with weekly hours")
    if not weekly and not always:
        raise HoursError("service hours name no open times; use 'always' or e.g. 'mon-fri 08:00-16:00'")
    return ServiceHours(
        always=always, weekly={d: tuple(sorted(r)) for d, r in weekly.items()},
        closures=tuple(closures), tz=tz,
    )
