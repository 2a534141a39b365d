"""Run-time service settings: service hours, the announcement and the county facts, stored in
the database.

`NEUVO_SERVICE_HOURS` is the default until a supervisor saves hours in the console, as
`NEUVO_COUNTY_FACTS` is for the facts an editor saves (services/content/facts.py). Every
process caches the settings and drops its copy when a `config.changed` event arrives on the
bus (and at the latest after CACHE_TTL_S, in case an event was missed during a bus outage).
"""

from __future__ import annotations

import itertools
import json
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server import vocabulary
from server.hours import DAYS, Closure, ServiceHours
from server.protocol.frames import ConfigChanged
from server.services import queue_config
from server.services.errors import InvalidInput
from server.services.queue_config import Queues
from server.store.models import ServiceSetting

if TYPE_CHECKING:
    from server.services.context import ServiceContext

CONFIG_TOPIC = "config"
CACHE_TTL_S = 30.0
LANGS = vocabulary.LANGS
MAX_ANNOUNCEMENT = 300
MAX_EXCEPTIONS = 200
MAX_NOTE = 200
HOURS_KEY, ANNOUNCEMENT_KEY, FACTS_KEY = "hours", "announcement", "county_facts"


@dataclass(frozen=True)
class ServiceConfig:
    hours: ServiceHours
    source: Literal["database", "environment"]
    announcement: dict[str, str | None] = field(default_factory=dict)
    # The county facts the bot's answers use: the editor's values over NEUVO_COUNTY_FACTS
    # ("" = the generic wording).
    facts: dict[str, str] = field(default_factory=dict)
    # The service queues (queue_config.py); the default queue uses `hours`.
    queues: Queues = field(default_factory=Queues)

    def hours_of(self, queue_id: str) -> ServiceHours:
        """A queue's own hours, else the service hours."""
        return self.queues.of(queue_id).hours or self.hours

    def announcement_for(self, lang: str) -> str | None:
        """The announcement in `lang`, else in the first language that has one."""
        for candidate in (lang, *LANGS):
            text = self.announcement.get(candidate)
            if text:
                return text
        return None


class ConfigCache:
    """One process's copy of the settings."""

    def __init__(self) -> None:
        self._value: ServiceConfig | None = None
        self._loaded = 0.0

    def invalidate(self) -> None:
        self._value = None

    async def get(self, ctx: ServiceContext) -> ServiceConfig:
        if self._value is None or clock.monotonic() - self._loaded > CACHE_TTL_S:
            self._value = await _load(ctx)
            self._loaded = clock.monotonic()
            _give_bot_facts(ctx.bot, self._value.facts)
        return self._value


async def current(ctx: ServiceContext) -> ServiceConfig:
    return await ctx.config_cache.get(ctx)


def _give_bot_facts(bot: object, facts: dict[str, str]) -> None:
    """Hand the effective facts to the process's bot (the LiveBot, also when wrapped)."""
    for _ in range(3):
        setter = getattr(bot, "set_facts", None)
        if callable(setter):
            setter(facts)
            return
        bot = getattr(bot, "inner", None)


async def _load(ctx: ServiceContext) -> ServiceConfig:
    async with ctx.db.read() as session:
        hours_row = await session.get(ServiceSetting, HOURS_KEY)
        note_row = await session.get(ServiceSetting, ANNOUNCEMENT_KEY)
        facts_row = await session.get(ServiceSetting, FACTS_KEY)
        queues = await queue_config.load(session)
    announcement = json.loads(note_row.value) if note_row else {}
    saved = json.loads(facts_row.value) if facts_row else None
    facts = {**ctx.settings.facts, **(saved or {}).get("values", {})}
    if hours_row is None:
        return ServiceConfig(ctx.settings.hours, "environment", announcement, facts, queues)
    return ServiceConfig(hours_from_json(json.loads(hours_row.value)), "database", announcement,
                         facts, queues)


async def _store(ctx: ServiceContext, key: str, value: Any | None, staff_id: str) -> None:
    async with ctx.db.write() as session:
        row = await session.get(ServiceSetting, key)
        if value is None:
            if row is not None:
                await session.delete(row)
        elif row is None:
            session.add(ServiceSetting(key=key, value=json.dumps(value), updated_by=staff_id,
                                       updated_at=ctx.clock()))
        else:
            row.value, row.updated_by, row.updated_at = json.dumps(value), staff_id, ctx.clock()
    ctx.config_cache.invalidate()
    await ctx.publish(CONFIG_TOPIC, ConfigChanged())


async def save_hours(ctx: ServiceContext, spec: dict[str, Any] | None, staff_id: str) -> None:
    """Store validated hours (None returns to the environment default)."""
    await _store(ctx, HOURS_KEY, None if spec is None else hours_to_json(hours_from_json(spec)),
                 staff_id)


async def save_announcement(ctx: ServiceContext, texts: dict[str, str | None],
                            staff_id: str) -> None:
    clean: dict[str, str | None] = {}
    for lang in LANGS:
        text = (texts.get(lang) or "").strip()
        if len(text) > MAX_ANNOUNCEMENT:
            raise InvalidInput(f"announcement ({lang}) is longer than {MAX_ANNOUNCEMENT} characters")
        if any(ord(ch) < 32 for ch in text):
            raise InvalidInput(f"announcement ({lang}) must be one line without control characters")
        clean[lang] = text or None
    await _store(ctx, ANNOUNCEMENT_KEY, clean if any(clean.values()) else None, staff_id)


# --- hours as JSON (the console's format) -------------------------------------------------
def _clock_text(value: time) -> str:
    return "24:00" if value == time.max else value.strftime("%H:%M")


def _parse_clock(value: object, where: str) -> time:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise InvalidInput(f"{where}: time must look like 08:00")
    try:
        hour, minute = int(value[:2]), int(value[3:])
    except ValueError:
        raise InvalidInput(f"{where}: time must look like 08:00") from None
    if value == "24:00":
        return time.max
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput(f"{where}: {value} is not a time of day")
    return time(hour, minute)


def _parse_span(item: object, where: str) -> tuple[time, time]:
    if not isinstance(item, dict) or set(item) != {"from", "to"}:
        raise InvalidInput(f"{where}: give {{\"from\": \"08:00\", \"to\": \"16:00\"}}")
    start, end = _parse_clock(item["from"], where), _parse_clock(item["to"], where)
    if end <= start:
        raise InvalidInput(f"{where}: must end after it starts")
    return start, end


def hours_to_json(hours: ServiceHours) -> dict[str, Any]:
    return {
        "always": hours.always,
        "tz": hours.tz.key,
        "weekly": {name: [{"from": _clock_text(s), "to": _clock_text(e)}
                          for s, e in hours.weekly.get(day, ())]
                   for day, name in enumerate(DAYS)},
        "exceptions": [
            {"date": c.day.isoformat(),
             "from": None if c.start is None else _clock_text(c.start),
             "to": None if c.end is None else _clock_text(c.end),
             "note": c.note or None}
            for c in sorted(hours.closures, key=lambda c: (c.day, c.start or time.min))],
    }


def hours_from_json(spec: dict[str, Any]) -> ServiceHours:
    """Validate the console's hours object; InvalidInput names the field that is wrong."""
    if not isinstance(spec, dict) or set(spec) - {"always", "tz", "weekly", "exceptions"}:
        raise InvalidInput("hours: only always, tz, weekly and exceptions are allowed")
    always = spec.get("always", False)
    if not isinstance(always, bool):
        raise InvalidInput("always: must be true or false")
    try:
        tz = ZoneInfo(str(spec.get("tz") or "Europe/Helsinki"))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"tz: unknown time zone {str(spec.get('tz'))[:64]!r}") from None
    weekly_in = spec.get("weekly") or {}
    if not isinstance(weekly_in, dict) or set(weekly_in) - set(DAYS):
        raise InvalidInput("weekly: keys must be mon, tue, wed, thu, fri, sat, sun")
    weekly: dict[int, tuple[tuple[time, time], ...]] = {}
    for day, name in enumerate(DAYS):
        spans = weekly_in.get(name) or []
        if not isinstance(spans, list) or len(spans) > 6:
            raise InvalidInput(f"weekly.{name}: a list of at most 6 time ranges")
        parsed = sorted(_parse_span(s, f"weekly.{name}") for s in spans)
        for (_s1, e1), (s2, _e2) in itertools.pairwise(parsed):
            if s2 < e1:
                raise InvalidInput(f"weekly.{name}: time ranges overlap")
        if parsed:
            weekly[day] = tuple(parsed)
    if not always and not weekly:
        raise InvalidInput("weekly: no open times; set always or give opening hours")
    closures = _parse_exceptions(spec.get("exceptions") or [])
    return ServiceHours(always=always, weekly={} if always else weekly, closures=closures, tz=tz)


def _parse_exceptions(items: object) -> tuple[Closure, ...]:
    if not isinstance(items, list) or len(items) > MAX_EXCEPTIONS:
        raise InvalidInput(f"exceptions: a list of at most {MAX_EXCEPTIONS} entries")
    closures = []
    for i, item in enumerate(items):
        where = f"exceptions.{i}"
        if not isinstance(item, dict) or set(item) - {"date", "from", "to", "note"}:
            raise InvalidInput(f"{where}: give date, from, to and note")
        try:
            day = date.fromisoformat(str(item.get("date")))
        except ValueError:
            raise InvalidInput(f"{where}.date: must be YYYY-MM-DD") from None
        note = item.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise InvalidInput(f"{where}.note: text of at most {MAX_NOTE} characters")
        if item.get("from") is None and item.get("to") is None:
            closures.append(Closure(day, note=note.strip()))
        else:
            start, end = _parse_span({"from": item.get("from"), "to": item.get("to")}, where)
            closures.append(Closure(day, start, end, note.strip()))
    return tuple(closures)


def describe_all(config: ServiceConfig, now: datetime) -> dict[str, str]:
    return {lang: config.hours.describe(lang, now) for lang in LANGS}
