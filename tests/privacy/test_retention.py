"""The retention purge with the clock moved, on both databases: exactly the chats closed
before the boundary lose their raw transcript and nothing else; their statistics row exists
first; their token is refused; a dry run deletes nothing; two purges at once delete once; the
command prints counts only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, func, select
from sqlmodel import col

from server.config import Settings
from server.privacy import retention
from server.services import accounts, chats, closing, consult, lifecycle
from server.services.context import ServiceContext
from server.services.errors import Unauthorized
from server.services.messages import post_message
from server.store.models import Chat, ConsultReply, ConsultThread, Feedback, InternalNote, Message
from server.store.models_stats import ChatStats
from tests.privacy.privacy_helpers import KINDS, Clock, cli_env, context, database
from tests.processes import PASSWORD, run_cli

DAY = timedelta(days=1)


@pytest.fixture(params=KINDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    with database(request.param, tmp_path) as chosen:
        yield chosen


async def full_chat(ctx: ServiceContext, staff_name: str) -> tuple[str, str]:
    """A chat with every raw part: messages, a note, a consultation with a reply, feedback
    with a comment. Returns (chat id, resident token)."""
    member = await accounts.add_staff(ctx.db, staff_name, PASSWORD, ["staff"], "Aino", 3, ["fi"])
    await ctx.backends.presence.set(member.id, "available", 10**6)
    chat, token = await chats.create_chat(ctx, "fi", "Vaasa", "127.0.0.1")
    await post_message(ctx, chat.id, "resident", "Olen Matti, puhelin 040 123 4567")
    await lifecycle.request_handoff(ctx, chat.id)
    await lifecycle.accept(ctx, member, chat.id)
    async with ctx.db.write() as session:
        session.add(InternalNote(chat_id=chat.id, staff_id=member.id, text="muistiinpano",
                                 created_at=ctx.clock()))
    thread = await consult.start(ctx, member, chat.id, "Miten toimia?")
    await consult.reply(ctx, member, thread.id, "Näin")
    await closing.close_by_staff(ctx, member, chat.id, ["other"], "referred", "Kela")
    await chats.submit_feedback(ctx, chat.id, 5, "Kiitos Aino")
    return chat.id, token


async def counts_of(ctx: ServiceContext, chat_id: str) -> dict[str, object]:
    async with ctx.db.read() as session:
        def n(model: Any, column: Any) -> Select[int]:
            return select(func.count()).select_from(model).where(column == chat_id)

        threads = select(col(ConsultThread.id)).where(col(ConsultThread.chat_id) == chat_id)
        feedback = await session.get(Feedback, chat_id)
        chat = await session.get(Chat, chat_id)
        assert chat is not None and feedback is not None
        return {
            "messages": (await session.execute(n(Message, col(Message.chat_id)))).scalar(),
            "notes": (await session.execute(n(InternalNote, col(InternalNote.chat_id)))).scalar(),
            "threads": (await session.execute(n(ConsultThread, col(ConsultThread.chat_id)))).scalar(),
            "replies": (await session.execute(select(func.count()).select_from(ConsultReply)
                                              .where(col(ConsultReply.thread_id).in_(threads)))).scalar(),
            "comment": feedback.comment, "score": feedback.score,
            "stats": await session.get(ChatStats, chat_id) is not None,
            "referred_to": chat.referred_to, "outcome": chat.outcome, "lang": chat.lang,
        }


async def test_purge_exactly_at_the_boundary(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock) as ctx:
        ctx.spawn = lambda coro, name: coro.close()  # no statistics rows yet: purge writes them
        old, old_token = await full_chat(ctx, "aino")
        closed_old = clock()
        clock.advance(hours=1)
        new, new_token = await full_chat(ctx, "beda")
        open_chat, open_token = await chats.create_chat(ctx, "fi", None, "127.0.0.1")
        before = await counts_of(ctx, new)
        assert before["messages"] and before["notes"] == 1 and before["replies"] == 1

        clock.now = closed_old + 30 * DAY  # exactly 30 days: not yet
        assert (await retention.purge(ctx)).chats == 0
        clock.now = closed_old + 30 * DAY + timedelta(microseconds=1)
        dry = await retention.purge(ctx, dry=True)
        assert (dry.chats, dry.messages, dry.internal_notes, dry.consult_threads,
                dry.consult_replies, dry.feedback_comments, dry.stats_rows_written) == (
            1, before["messages"], 1, 1, 1, 1, 1)
        assert (await counts_of(ctx, old))["messages"] == before["messages"]  # dry: nothing gone
        done = await retention.purge(ctx)
        assert done.as_dict() == {**dry.as_dict(), "dry_run": False}
        assert await counts_of(ctx, old) == {
            "messages": 0, "notes": 0, "threads": 0, "replies": 0, "comment": None, "score": 5,
            "stats": True, "referred_to": None, "outcome": "referred", "lang": "fi"}
        assert await counts_of(ctx, new) == before  # an hour younger: untouched
        with pytest.raises(Unauthorized):
            await chats.authenticate_resident(ctx, old, old_token)
        await chats.authenticate_resident(ctx, new, new_token)
        assert (await retention.purge(ctx)).chats == 0  # nothing left to do

        clock.advance(days=400)  # an open chat is never purged, however old
        assert (await retention.purge(ctx)).chats == 1
        await chats.authenticate_resident(ctx, open_chat.id, open_token)


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[Settings]:
    with database("postgres-redis", tmp_path) as chosen:
        yield chosen


async def total(ctx: ServiceContext, model: type) -> int:
    async with ctx.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_two_processes_purging_at_once_delete_once(pg_settings: Settings) -> None:
    clock = Clock()
    async with context(pg_settings, clock) as one, context(pg_settings, clock) as two:
        for n in range(4):
            await full_chat(one, f"s{n}")
        messages = await total(one, Message)
        clock.advance(days=31)
        first, second = await asyncio.gather(retention.purge(one), retention.purge(two))
        # Either the second found the lock taken and ended at once, or it ran after the first
        # had finished and found nothing left: never both deleting.
        assert first.skipped or second.skipped or 0 in (first.chats, second.chats)
        assert first.chats + second.chats == 4
        assert first.messages + second.messages == messages
        assert await total(one, Message) == 0 and await total(one, ChatStats) == 4


def test_the_command_prints_counts_and_dry_run_deletes_nothing(pg_settings: Settings) -> None:
    async def setup() -> int:
        clock = Clock()
        clock.now = datetime.now(UTC) - 40 * DAY
        async with context(pg_settings, clock) as ctx:
            await full_chat(ctx, "aino")
            return await total(ctx, Message)

    messages = asyncio.run(setup())
    env = cli_env(pg_settings)
    dry = run_cli(["privacy", "purge", "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    counts = json.loads(dry.stdout)
    assert counts["dry_run"] is True and counts["chats"] == 1 and counts["messages"] == messages
    assert "Matti" not in dry.stdout + dry.stderr
    again = json.loads(run_cli(["privacy", "purge", "--dry-run"], env).stdout)
    assert again == counts  # nothing was deleted
    done = run_cli(["privacy", "purge"], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {**counts, "dry_run": False}
    assert "Matti" not in done.stdout + done.stderr and "040" not in done.stderr
