"""One statistics row per ended chat (`chat_stats`) and its anonymised turns
(`chat_stats_messages`), written once, after the close, off the request path.

`schedule(ctx, chat_id)` is called by every service that ends a chat, tags one the resident
ended, or stores feedback: in the background it writes the row if absent (insert-if-absent
on the primary key, so several processes write it exactly once) and then copies the fields
that may change after the end (staff tags, outcome, feedback score; never the comment).
`sweep(ctx)` (every NEUVO_STATS_SWEEP_S) writes rows that are still missing, e.g. when a
process died between the close and the write. Internal notes are never copied; texts go
through the anonymiser (with the county's numbers kept: the facts editors set, else
NEUVO_COUNTY_FACTS), in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlmodel import col

from bot.catalogue import FALLBACK_INTENT
from server.privacy.anonymiser import Anonymiser
from server.services import service_config
from server.services.context import ServiceContext
from server.store.models import Chat, Feedback, Message, aware
from server.store.models_stats import ChatStats, StatsMessage

log = logging.getLogger(__name__)
PURGED_TOKEN = "purged"  # chats.token_hash of a purged chat: no token hashes to it
SWEEP_GRACE_S = 10.0  # the closing process normally writes the row within this
SWEEP_BATCH = 200


def schedule(ctx: ServiceContext, chat_id: str) -> None:
    """Write (or bring up to date) the chat's statistics row in the background."""
    ctx.in_background(_sync_logged(ctx, chat_id), "chat-stats")


async def _sync_logged(ctx: ServiceContext, chat_id: str) -> None:
    try:
        await sync(ctx, chat_id)
    except Exception as exc:  # the sweep writes it later; never log the chat's contents
        log.warning("statistics row not written yet (%s); the sweep retries",
                    type(exc).__name__)


async def sync(ctx: ServiceContext, chat_id: str) -> None:
    await ensure(ctx, chat_id)
    await refresh(ctx, chat_id)


@lru_cache(maxsize=4)
def _anonymiser(keep: frozenset[str]) -> Anonymiser:
    return Anonymiser(keep=keep)


def _mask_all(anonymiser: Anonymiser, messages: list[Message], lang: str) -> list[str]:
    """Every text through the anonymiser except the bot's: those are the project's own
    content (no personal data; the bot never echoes the resident) and stay readable."""
    return [m.text if m.author == "bot" else anonymiser.mask(m.text, lang)[0]
            for m in messages]


async def ensure(ctx: ServiceContext, chat_id: str) -> bool:
    """Write the chat's row and turns unless they exist. True if this call wrote them."""
    async with ctx.db.read() as session:
        if await session.get(ChatStats, chat_id) is not None:
            return False
        chat = await session.get(Chat, chat_id)
        if chat is None or chat.state != "closed" or chat.token_hash == PURGED_TOKEN:
            return False
        messages = list((await session.execute(
            select(Message).where(col(Message.chat_id) == chat_id)
            .order_by(col(Message.seq)))).scalars())
        score = (await session.execute(select(col(Feedback.score)).where(
            col(Feedback.chat_id) == chat_id))).scalar()
    facts = (await service_config.current(ctx)).facts  # the editor's, else the environment's
    anonymiser = _anonymiser(frozenset(value for value in facts.values() if value))
    masked = await asyncio.to_thread(_mask_all, anonymiser, messages, chat.lang)
    row = build_row(chat, messages, score)
    row.anonymised_at = ctx.clock()
    async with ctx.db.write() as session:
        won = (await session.execute(
            ctx.db.insert(ChatStats).values(**row.model_dump())
            .on_conflict_do_nothing(index_elements=["chat_id"])
            .returning(col(ChatStats.chat_id)))).scalar()
        if won is None:
            return False
        session.add_all(StatsMessage(
            chat_id=chat_id, seq=m.seq, author=m.author, text=text,
            intent=m.intent if m.author == "resident" else None,
            confidence=m.confidence if m.author == "resident" else None,
            content_version=m.content_version if m.author == "resident" else None,
            created_at=m.created_at) for m, text in zip(messages, masked, strict=True))
    return True


def _seconds(later: object, earlier: object) -> float | None:
    a, b = aware(later), aware(earlier)  # type: ignore[arg-type]
    return None if a is None or b is None else round((a - b).total_seconds(), 3)


def _tags(value: str | None) -> str | None:
    if not value:
        return None
    try:
        topics = json.loads(value)
    except ValueError:
        return value
    return ",".join(topics) if isinstance(topics, list) and topics else None


def handled_by(chat: Chat) -> str:
    """See ChatStats: staff if a person ever accepted it, abandoned_queue if it was queued
    and nobody accepted it, otherwise bot."""
    if chat.first_accepted_at is not None:
        return "staff"
    if chat.queued_at is not None or chat.handoff_at is not None:
        return "abandoned_queue"
    return "bot"


def build_row(chat: Chat, messages: Iterable[Message], score: int | None) -> ChatStats:
    turns = list(messages)
    by = {a: sum(1 for m in turns if m.author == a) for a in ("resident", "bot", "staff")}
    first_staff = None
    if chat.first_accepted_at is not None:
        first_staff = next((m.created_at for m in turns if m.author == "staff"
                            and aware(m.created_at) >= aware(chat.first_accepted_at)),  # type: ignore[operator]
                           None)
    closed_at = aware(chat.closed_at) or aware(chat.last_activity_at) or aware(chat.created_at)
    assert closed_at is not None
    return ChatStats(
        chat_id=chat.id, lang=chat.lang, municipality=chat.municipality,
        queue=chat.queue, entry_queue=chat.entry_queue,
        queue_moved="yes" if chat.queue_moves or chat.queue != chat.entry_queue else "no",
        created_at=chat.created_at, handoff_at=chat.handoff_at, queued_at=chat.queued_at,
        first_accepted_at=chat.first_accepted_at, closed_at=closed_at,
        closed_by=chat.closed_by, handled_by=handled_by(chat), priority=chat.priority,
        wait_s=_seconds(chat.first_accepted_at, chat.queued_at),
        first_response_s=_seconds(first_staff, chat.first_accepted_at),
        duration_s=_seconds(closed_at, chat.created_at),
        topic=chat.topic, safety_topic=chat.safety_topic, tag_topics=_tags(chat.tag_topics),
        outcome=chat.outcome, transfers=chat.transfers,
        resident_messages=by["resident"], bot_messages=by["bot"], staff_messages=by["staff"],
        fallbacks=sum(1 for m in turns if m.author == "resident" and m.intent == FALLBACK_INTENT),
        feedback_score=score)


async def refresh(ctx: ServiceContext, chat_id: str) -> None:
    """Copy what may change after the end: staff tags and outcome, the feedback score."""
    async with ctx.db.write() as session:
        chat = await session.get(Chat, chat_id)
        if chat is None or chat.token_hash == PURGED_TOKEN:
            return
        score = (await session.execute(select(col(Feedback.score)).where(
            col(Feedback.chat_id) == chat_id))).scalar()
        await session.execute(update(ChatStats).where(col(ChatStats.chat_id) == chat_id).values(
            tag_topics=_tags(chat.tag_topics), outcome=chat.outcome, feedback_score=score))


async def missing(ctx: ServiceContext, *, older_than_s: float = SWEEP_GRACE_S,
                  limit: int = SWEEP_BATCH) -> list[str]:
    """Ended chats (not purged) without a statistics row, oldest first."""
    cutoff = ctx.clock() - timedelta(seconds=older_than_s)
    async with ctx.db.read() as session:
        return list((await session.execute(
            select(col(Chat.id)).outerjoin(ChatStats, col(ChatStats.chat_id) == col(Chat.id))
            .where(col(Chat.state) == "closed", col(Chat.closed_at) < cutoff,
                   col(Chat.token_hash) != PURGED_TOKEN, col(ChatStats.chat_id).is_(None))
            .order_by(col(Chat.closed_at)).limit(limit))).scalars())


async def sweep(ctx: ServiceContext) -> int:
    """Write the rows still missing (a process died mid-way); returns how many were written."""
    written = 0
    for chat_id in await missing(ctx):
        if await ensure(ctx, chat_id):
            await refresh(ctx, chat_id)
            written += 1
    if written:
        log.info("statistics sweep wrote %d missing rows", written)
    return written


async def count_rows(ctx: ServiceContext) -> int:
    async with ctx.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(ChatStats))).scalar_one())
