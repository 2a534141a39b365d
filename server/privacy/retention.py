"""The retention purge: raw transcripts of chats closed more than NEUVO_RAW_RETENTION_DAYS
ago are deleted (messages, internal notes, consultation threads and replies about them), the
feedback comment is cleared (the score stays), and the resident token is made unusable, so
a purged chat can never be resumed. The chat row keeps only non-personal metadata (times,
state, language, municipality, topic, tags, outcome, counts).

A chat is purged only after its statistics row exists (written first if missing). One purge
runs at a time: on PostgreSQL a session advisory lock held for the whole run (the guard across
processes), taken under the coordination backend's lock (`Locks` has one timeout for waiting
and expiry, so the Redis lock only covers the start); a purge that finds a lock taken ends at
once with `skipped`. On SQLite (one process) the in-process lock serialises purges. Deleting is
idempotent anyway: a purge never counts a row another one deleted. Each run logs counts,
never contents.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlmodel import col

from server.bus.base import LockTimeout
from server.privacy import chat_stats
from server.services.content import inbox
from server.services.context import ServiceContext
from server.store.models import Chat, ConsultReply, ConsultThread, Feedback, InternalNote, Message

log = logging.getLogger(__name__)
ADVISORY_KEY = 7_271_590_312
BATCH = 200
LOCK_NAME = "privacy-purge"
LOCK_TIMEOUT_S = 0.5


@dataclass
class PurgeCounts:
    chats: int = 0
    messages: int = 0
    internal_notes: int = 0
    feedback_comments: int = 0
    consult_threads: int = 0
    consult_replies: int = 0
    stats_rows_written: int = 0
    inbox_items: int = 0  # the editors' inbox, after NEUVO_INBOX_RETENTION_DAYS
    dry_run: bool = False
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _due(ctx: ServiceContext) -> list[Any]:
    cutoff = ctx.clock() - timedelta(days=ctx.settings.raw_retention_days)
    return [col(Chat.state) == "closed", col(Chat.closed_at) < cutoff,
            col(Chat.token_hash) != chat_stats.PURGED_TOKEN]


async def _count(ctx: ServiceContext, model: Any, column: Any, ids: Any,
                 *extra: Any) -> int:
    async with ctx.db.read() as session:
        return int((await session.execute(
            select(func.count()).select_from(model).where(column.in_(ids), *extra))).scalar_one())


async def dry_run(ctx: ServiceContext) -> PurgeCounts:
    """What a purge would delete now, deleting nothing."""
    due = select(col(Chat.id)).where(*_due(ctx))
    threads = select(col(ConsultThread.id)).where(col(ConsultThread.chat_id).in_(due))
    async with ctx.db.read() as session:
        chats = int((await session.execute(
            select(func.count()).select_from(Chat).where(*_due(ctx)))).scalar_one())
    return PurgeCounts(
        chats=chats, dry_run=True,
        messages=await _count(ctx, Message, col(Message.chat_id), due),
        internal_notes=await _count(ctx, InternalNote, col(InternalNote.chat_id), due),
        feedback_comments=await _count(ctx, Feedback, col(Feedback.chat_id), due,
                                       col(Feedback.comment).is_not(None)),
        consult_threads=await _count(ctx, ConsultThread, col(ConsultThread.chat_id), due),
        consult_replies=await _count(ctx, ConsultReply, col(ConsultReply.thread_id), threads),
        stats_rows_written=len(await _without_stats(ctx)),
        inbox_items=await inbox.purge_expired(ctx, dry=True))


async def _without_stats(ctx: ServiceContext) -> list[str]:
    from server.store.models_stats import ChatStats

    async with ctx.db.read() as session:
        return list((await session.execute(
            select(col(Chat.id)).outerjoin(ChatStats, col(ChatStats.chat_id) == col(Chat.id))
            .where(*_due(ctx), col(ChatStats.chat_id).is_(None)))).scalars())


@asynccontextmanager
async def _one_at_a_time(ctx: ServiceContext) -> AsyncIterator[bool]:
    """True when this process may purge now (no other purge holds the locks)."""
    async with AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(ctx.backends.locks.lock(LOCK_NAME, LOCK_TIMEOUT_S))
        except LockTimeout:
            got = False
        else:
            got = True
            if not ctx.db.is_sqlite:
                conn = await stack.enter_async_context(ctx.db.engine.connect())
                got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                               {"k": ADVISORY_KEY})).scalar())
                if got:
                    stack.push_async_callback(_unlock, conn)
        yield got


async def _unlock(conn: Any) -> None:
    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})


async def purge(ctx: ServiceContext, *, dry: bool = False) -> PurgeCounts:
    """Purge every chat past the boundary (in batches); returns the counts."""
    if dry:
        return await dry_run(ctx)
    counts = PurgeCounts()
    async with _one_at_a_time(ctx) as mine:
        if not mine:
            counts.skipped = True
            log.info("purge skipped: another purge is running")
            return counts
        while True:
            async with ctx.db.read() as session:
                ids = list((await session.execute(
                    select(col(Chat.id)).where(*_due(ctx)).order_by(col(Chat.closed_at))
                    .limit(BATCH))).scalars())
            if not ids:
                break
            for chat_id in ids:
                if await chat_stats.ensure(ctx, chat_id):
                    await chat_stats.refresh(ctx, chat_id)
                    counts.stats_rows_written += 1
            await _purge_batch(ctx, ids, counts)
        counts.inbox_items = await inbox.purge_expired(ctx)
    log.info("purge: %s", {k: v for k, v in counts.as_dict().items() if v})
    return counts


async def _purge_batch(ctx: ServiceContext, ids: list[str], counts: PurgeCounts) -> None:
    def gone(result: Any) -> int:
        return int(result.rowcount or 0)

    threads = select(col(ConsultThread.id)).where(col(ConsultThread.chat_id).in_(ids))
    async with ctx.db.write() as session:
        counts.consult_replies += gone(await session.execute(
            delete(ConsultReply).where(col(ConsultReply.thread_id).in_(threads))))
        counts.consult_threads += gone(await session.execute(
            delete(ConsultThread).where(col(ConsultThread.chat_id).in_(ids))))
        counts.messages += gone(await session.execute(
            delete(Message).where(col(Message.chat_id).in_(ids))))
        counts.internal_notes += gone(await session.execute(
            delete(InternalNote).where(col(InternalNote.chat_id).in_(ids))))
        counts.feedback_comments += gone(await session.execute(
            update(Feedback).where(col(Feedback.chat_id).in_(ids),
                                   col(Feedback.comment).is_not(None)).values(comment=None)))
        counts.chats += gone(await session.execute(
            update(Chat).where(col(Chat.id).in_(ids),
                               col(Chat.token_hash) != chat_stats.PURGED_TOKEN)
            .values(token_hash=chat_stats.PURGED_TOKEN, referred_to=None,
                    resident_seen_at=None)))
