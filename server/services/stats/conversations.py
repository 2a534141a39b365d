"""The conversations behind a chart cell (click-through for supervisors), one anonymised
conversation, and the one-row-per-conversation CSV that adds up to the charts.

A selection of fewer than five conversations is refused (it would show a hidden count), and
municipalities and topics with fewer than five conversations in the export show "<5".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from server.privacy.audit import audit
from server.services.context import ServiceContext
from server.services.errors import Forbidden, InvalidInput, NotFound
from server.services.stats import queries
from server.services.stats.aggregates import NONE
from server.services.stats.filters import KNOWN, TZ, StatsFilter, _date, parse_filter
from server.services.stats.suppression import SMALL, THRESHOLD
from server.services.stats.tables import WEEKDAYS
from server.store.models import Staff, aware
from server.store.models_stats import ChatStats, StatsMessage

CELL = frozenset({"day", "weekday", "hour", "handled_by", "outcome", "topic", "tag_topic",
                  "score"})
PAGE = 50
COLUMNS = ["chat_id", "day", "weekday", "hour", "lang", "municipality", "queue", "handled_by",
           "outcome", "topic", "tag_topics", "priority", "transfers", "wait_s",
           "first_response_s", "duration_s", "resident_messages", "bot_messages",
           "staff_messages", "fallbacks", "feedback_score"]


@dataclass(frozen=True)
class Cell:
    day: str | None = None
    weekday: int | None = None
    hour: int | None = None
    handled_by: str | None = None
    outcome: str | None = None
    topic: str | None = None
    tag_topic: str | None = None
    score: int | None = None

    def matches(self, chat: ChatStats) -> bool:
        local = _local(chat.created_at)
        checks = [
            (self.day, local.date().isoformat()), (self.weekday, local.weekday()),
            (self.hour, local.hour), (self.handled_by, chat.handled_by),
            (self.outcome, chat.outcome or NONE), (self.topic, chat.topic or NONE),
            (self.score, chat.feedback_score)]
        if self.tag_topic is not None:
            tags = set(filter(None, (chat.tag_topics or "").split(","))) or {NONE}
            if self.tag_topic not in tags:
                return False
        return all(want is None or want == have for want, have in checks)


def _small_int(raw: str | None, name: str, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def parse_cell(params: Mapping[str, str], today: Any) -> tuple[StatsFilter, Cell, int]:
    """The filter, the cell (day, weekday 0-6 = Monday-Sunday, hour 0-23, handled_by,
    outcome, topic, tag_topic, score 1-5) and the page offset."""
    flt = parse_filter({k: v for k, v in params.items() if k in KNOWN}, today,
                       allowed=KNOWN | CELL | {"offset"})
    day = params.get("day") or None
    if day is not None:
        picked = _date(day, "day")
        if not flt.start <= picked <= flt.end:
            raise InvalidInput("day: must be within from/to")
        flt = flt.shifted(picked, picked)
    texts = {}
    for name in ("handled_by", "outcome", "topic", "tag_topic"):
        value = params.get(name) or None
        if value is not None and (len(value) > 64 or not value.replace("_", "").isalnum()):
            raise InvalidInput(f"{name}: a name of at most 64 letters, digits or _")
        texts[name] = value
    cell = Cell(day=day, weekday=_small_int(params.get("weekday"), "weekday", 0, 6),
                hour=_small_int(params.get("hour"), "hour", 0, 23),
                score=_small_int(params.get("score"), "score", 1, 5), **texts)
    offset = _small_int(params.get("offset"), "offset", 0, 10**6) or 0
    return flt, cell, offset


async def chats_in_cell(ctx: ServiceContext, flt: StatsFilter, cell: Cell,
                        offset: int = 0) -> dict[str, Any]:
    async with ctx.db.read() as session:
        chats = [c for c in (await session.execute(queries.conversations_query(flt))).scalars()
                 if cell.matches(c)]
    if len(chats) < THRESHOLD:
        raise Forbidden("fewer than 5 conversations: they are not shown, to protect residents")
    return {"total": len(chats), "offset": offset, "limit": PAGE,
            "items": [_item(c) for c in chats[offset:offset + PAGE]]}


def _local(moment: datetime) -> datetime:
    return (aware(moment) or moment.replace(tzinfo=UTC)).astimezone(TZ)


def _item(chat: ChatStats) -> dict[str, Any]:
    return {"chat_id": chat.chat_id, "started": _local(chat.created_at).isoformat(),
            "lang": chat.lang, "handled_by": chat.handled_by, "outcome": chat.outcome,
            "topic": chat.topic, "wait_s": chat.wait_s, "feedback_score": chat.feedback_score,
            "messages": chat.resident_messages + chat.bot_messages + chat.staff_messages}


async def conversation(ctx: ServiceContext, staff: Staff, chat_id: str) -> dict[str, Any]:
    """One anonymised conversation (audited as `statistics_opened`)."""
    async with ctx.db.read() as session:
        chat = await session.get(ChatStats, chat_id)
        if chat is None:
            raise NotFound("no statistics for this conversation")
        messages = (await session.execute(
            select(StatsMessage).where(col(StatsMessage.chat_id) == chat_id)
            .order_by(col(StatsMessage.seq)))).scalars().all()
    await audit(ctx, staff.id, "statistics_opened", chat_id)
    return {**_item(chat), "municipality": chat.municipality, "tag_topics": chat.tag_topics,
            "items": [{"seq": m.seq, "author": m.author, "text": m.text, "intent": m.intent,
                       "content_version": m.content_version,
                       "at": _local(m.created_at).isoformat()} for m in messages]}


async def export_rows(ctx: ServiceContext, flt: StatsFilter) -> AsyncIterator[list[Any]]:
    """One row per conversation, oldest first; municipalities, topics and tagged topics with
    fewer than five conversations in the selection show "<5"."""
    async with ctx.db.read() as session:
        municipalities = Counter({k: n for k, n in await queries.breakdown(ctx, flt,
                                                                             "municipality")})
        topics = Counter({k: n for k, n in await queries.breakdown(ctx, flt, "topic")})
        tags: Counter[str | None] = Counter()
        for value, n in await queries.breakdown(ctx, flt, "tag_topics"):
            for tag in set(filter(None, (value or "").split(","))):
                tags[tag] += n
        result = await session.stream(queries.conversations_query(flt))
        async for chat in result.scalars():
            local = _local(chat.created_at)
            yield [chat.chat_id, local.date().isoformat(), WEEKDAYS[local.weekday()], local.hour,
                   chat.lang, _shown(chat.municipality, municipalities), chat.queue,
                   chat.handled_by, chat.outcome, _shown(chat.topic, topics),
                   _shown_tags(chat.tag_topics, tags),
                   chat.priority, chat.transfers, chat.wait_s, chat.first_response_s,
                   chat.duration_s, chat.resident_messages, chat.bot_messages,
                   chat.staff_messages, chat.fallbacks, chat.feedback_score]


def _shown_tags(value: str | None, counts: Counter[str | None]) -> str | None:
    if not value:
        return value
    return ",".join(sorted({_shown(tag, counts) or "" for tag in value.split(",") if tag}))


def _shown(value: str | None, counts: Counter[str | None]) -> str | None:
    if value is None:
        return None
    return SMALL if counts[value] < THRESHOLD else value
