"""The inbox's filters, parsed from query parameters with clear errors (422): days in
Europe/Helsinki (`from`, `to`, inclusive), predicted `intent`, `lang`, `reason`, confidence
range (`min_confidence`, `max_confidence`, 0–1), `state` (new, dismissed, added or all;
default new) and, for the list, bounded paging (`limit` 1–200, `offset`)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import col

from server import vocabulary
from server.services.errors import InvalidInput
from server.services.stats.filters import local_midnight
from server.store.models_inbox import REASONS, STATES, InboxItem

FILTERS = frozenset({"from", "to", "intent", "lang", "reason", "min_confidence",
                     "max_confidence", "state"})
PAGING = frozenset({"limit", "offset"})
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 100_000
INTENT = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
Params = Mapping[str, str] | Sequence[tuple[str, str]]  # a mapping or (name, value) pairs


@dataclass(frozen=True)
class InboxFilter:
    start: date | None = None
    end: date | None = None
    intent: str | None = None
    lang: str | None = None
    reason: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    state: str | None = "new"  # None: every state
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def conditions(self) -> list[Any]:
        out: list[Any] = []
        if self.start is not None:
            out.append(col(InboxItem.created_at) >= local_midnight(self.start))
        if self.end is not None:
            out.append(col(InboxItem.created_at) < local_midnight(self.end + timedelta(days=1)))
        for name in ("intent", "lang", "reason", "state"):
            value = getattr(self, name)
            if value is not None:
                out.append(getattr(InboxItem, name) == value)
        if self.min_confidence is not None:
            out.append(col(InboxItem.confidence) >= self.min_confidence)
        if self.max_confidence is not None:
            out.append(col(InboxItem.confidence) <= self.max_confidence)
        return out


def _date(raw: str, name: str) -> date:
    try:
        if len(raw) != 10:
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}: a date as YYYY-MM-DD, e.g. 2026-11-23") from None
    if not 2000 <= value.year <= 2100:
        raise InvalidInput(f"{name}: a date between 2000 and 2100")
    return value


def _confidence(raw: str, name: str) -> float:
    try:
        value = float(raw) if len(raw) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise InvalidInput(f"{name}: a number from 0 to 1, e.g. 0.5")
    return value


def _whole(raw: str, name: str, low: int, high: int) -> int:
    if not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def _choice(raw: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if not raw:
        return None
    if raw not in allowed:
        raise InvalidInput(f"{name}: one of {', '.join(allowed)}")
    return raw


def parse(params: Params, *, paging: bool = True) -> InboxFilter:
    """From a mapping or (name, value) pairs. Unknown and repeated parameters are refused;
    so is a range that ends before it starts."""
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    allowed = FILTERS | PAGING if paging else FILTERS
    unknown = sorted({k for k, _ in pairs} - allowed)
    if unknown:
        raise InvalidInput(f"unknown query parameter: {unknown[0]}")
    names = [k for k, _ in pairs]
    repeated = sorted({k for k in names if names.count(k) > 1})
    if repeated:
        raise InvalidInput(f"{repeated[0]}: give it once")
    get = {k: v for k, v in pairs if v != ""}
    start = _date(get["from"], "from") if "from" in get else None
    end = _date(get["to"], "to") if "to" in get else None
    if start and end and start > end:
        raise InvalidInput("from: must not be after to")
    intent = get.get("intent")
    if intent is not None and not INTENT.match(intent):
        raise InvalidInput("intent: an intent name (a–z, 0–9 and _, 2–64 characters)")
    low = _confidence(get["min_confidence"], "min_confidence") if "min_confidence" in get else None
    high = _confidence(get["max_confidence"], "max_confidence") if "max_confidence" in get else None
    if low is not None and high is not None and low > high:
        raise InvalidInput("min_confidence: must not be above max_confidence")
    state = get.get("state", "new")
    if state not in (*STATES, "all"):
        raise InvalidInput(f"state: one of {', '.join(STATES)}, all")
    return InboxFilter(
        start=start, end=end, intent=intent,
        lang=_choice(get.get("lang"), "lang", vocabulary.LANGS),
        reason=_choice(get.get("reason"), "reason", REASONS),
        min_confidence=low, max_confidence=high, state=None if state == "all" else state,
        limit=_whole(get["limit"], "limit", 1, MAX_LIMIT) if "limit" in get else DEFAULT_LIMIT,
        offset=_whole(get["offset"], "offset", 0, MAX_OFFSET) if "offset" in get else 0)
