"""The statistics query: a range of whole days in Europe/Helsinki, optional language,
municipality and queue. Parsed from query parameters with clear errors (422)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server import vocabulary
from server.protocol.checks import clean_text
from server.services.errors import InvalidInput

TZ = ZoneInfo("Europe/Helsinki")
MAX_DAYS = 400  # a year and a bit: the longest range one query may cover
DEFAULT_DAYS = 28
LANGS = vocabulary.LANGS
KNOWN = frozenset({"from", "to", "lang", "municipality", "queue", "sep", "format"})


@dataclass(frozen=True)
class StatsFilter:
    start: date  # first day, inclusive (Helsinki)
    end: date  # last day, inclusive (Helsinki)
    lang: str | None = None
    municipality: str | None = None
    queue: str | None = None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last) in UTC."""
        return local_midnight(self.start), local_midnight(self.end + timedelta(days=1))

    def shifted(self, start: date, end: date) -> StatsFilter:
        return replace(self, start=start, end=end)

    def as_params(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for key in ("lang", "municipality", "queue"):
            value = getattr(self, key)
            if value is not None:
                params[key] = value
        return params


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def _date(raw: str, name: str) -> date:
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}: a date as YYYY-MM-DD, e.g. 2026-11-23") from None


def _text(raw: str | None, name: str, max_length: int) -> str | None:
    if raw is None or raw == "":
        return None
    if len(raw) > max_length or not clean_text(raw) or raw != raw.strip():
        raise InvalidInput(f"{name}: at most {max_length} characters of plain text")
    return raw


def parse_filter(params: Mapping[str, str], today: date, *,
                 allowed: frozenset[str] = KNOWN) -> StatsFilter:
    """`from`/`to` (YYYY-MM-DD, inclusive, default the last 28 days up to today), `lang`
    (fi/sv/en), `municipality`, `queue`. Unknown parameters and repeated ones are refused."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(f"unknown query parameter: {unknown[0]}")
    end = _date(params["to"], "to") if params.get("to") else today
    start = (_date(params["from"], "from") if params.get("from")
             else end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise InvalidInput("from: must not be after to")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"from/to: at most {MAX_DAYS} days at a time")
    if start.year < 2000 or end.year > 2100:
        raise InvalidInput("from/to: a date between 2000 and 2100")
    lang = params.get("lang") or None
    if lang is not None and lang not in LANGS:
        raise InvalidInput("lang: one of fi, sv, en")
    return StatsFilter(start=start, end=end, lang=lang,
                       municipality=_text(params.get("municipality"), "municipality", 100),
                       queue=_text(params.get("queue"), "queue", 64))


def week_of(day: date) -> tuple[date, date]:
    """Monday..Sunday of the ISO week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)
