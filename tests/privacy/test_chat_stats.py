"""Statistics rows at chat end, in process with a clock the test moves (exact metrics), on
both databases: a scripted chat, feedback arriving later, abandoned and idle chats, the
sweep after a lost background write, and two writers at once (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from server.config import Settings
from server.privacy import chat_stats
from server.services import accounts, chats, closing, lifecycle, resident_presence, transfers
from server.services.bot_turns import run_bot_turn
from server.services.context import ServiceContext
from server.services.messages import post_message
from server.store.models import Message, Staff
from server.store.models_stats import ChatStats, StatsMessage
from tests.privacy.privacy_helpers import KINDS, Clock, context, database, settle
from tests.processes import PASSWORD


@pytest.fixture(params=KINDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    with database(request.param, tmp_path) as chosen:
        yield chosen


async def resident_says(ctx: ServiceContext, chat_id: str, text: str) -> None:
    frame, _ = await post_message(ctx, chat_id, "resident", text, client_msg_id=text[:30])
    await run_bot_turn(ctx, chat_id, text, frame.seq)


async def staff(ctx: ServiceContext, name: str) -> Staff:
    member = await accounts.add_staff(ctx.db, name, PASSWORD, ["staff"], name.title(), 3,
                                      ["fi"])
    await ctx.backends.presence.set(member.id, "available", 600)
    return member


async def row(ctx: ServiceContext, chat_id: str) -> ChatStats:
    await settle(ctx)
    async with ctx.db.read() as session:
        found = await session.get(ChatStats, chat_id)
    assert found is not None
    return found


async def turns(ctx: ServiceContext, chat_id: str) -> list[StatsMessage]:
    async with ctx.db.read() as session:
        return list((await session.execute(select(StatsMessage).where(
            col(StatsMessage.chat_id) == chat_id).order_by(col(StatsMessage.seq)))).scalars())


async def test_scripted_chat_metrics_are_exact(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock) as ctx:
        aino, beda = await staff(ctx, "aino"), await staff(ctx, "beda")
        chat, _ = await chats.create_chat(ctx, "fi", "Seinäjoki", "127.0.0.1")  # bot greets
        clock.advance(seconds=5)
        await resident_says(ctx, chat.id, "mitä kuuluu")  # the minimal bot: nlu_fallback
        clock.advance(seconds=5)
        await resident_says(ctx, chat.id, "/request_human")  # handoff: queued at t+10
        clock.advance(seconds=60)
        await lifecycle.accept(ctx, aino, chat.id)  # wait 60 s
        clock.advance(seconds=30)
        await post_message(ctx, chat.id, "staff", "Hei, miten voin auttaa?", author_name="Aino")
        clock.advance(seconds=20)
        await transfers.transfer(ctx, aino, chat.id, "beda", "Asiakas Maija Virtanen, 040 765 4321")
        clock.advance(seconds=10)
        await post_message(ctx, chat.id, "staff", "Jatketaan", author_name="Beda")
        clock.advance(seconds=75)
        await closing.close_by_staff(ctx, beda, chat.id, ["other"], "solved_first_contact",
                                       "Kela")
        stats = await row(ctx, chat.id)
        assert (stats.handled_by, stats.closed_by, stats.outcome) == ("staff", "staff",
                                                                      "solved_first_contact")
        assert stats.wait_s == 60.0 and stats.first_response_s == 30.0
        assert stats.duration_s == 205.0
        assert stats.transfers == 1 and stats.fallbacks == 1
        assert (stats.resident_messages, stats.bot_messages, stats.staff_messages) == (2, 2, 2)
        assert stats.tag_topics == "other" and stats.municipality == "Seinäjoki"
        assert stats.feedback_score is None
        saved = await turns(ctx, chat.id)
        assert [t.author for t in saved][:4] == ["bot", "resident", "bot", "resident"]
        assert saved[1].intent == "nlu_fallback" and saved[1].confidence == 0.0
        assert saved[3].intent == "request_human"
        assert all(t.intent is None for t in saved if t.author != "resident")
        assert not any("Virtanen" in t.text or "765" in t.text for t in saved)  # notes stay out
        async with ctx.db.read() as session:
            intents = (await session.execute(select(col(Message.intent)).where(
                col(Message.chat_id) == chat.id, col(Message.author) == "resident")
                .order_by(col(Message.seq)))).scalars().all()
        assert intents == ["nlu_fallback", "request_human"]
        # Feedback after the row exists: the score joins, never the comment.
        clock.advance(minutes=5)
        await chats.submit_feedback(ctx, chat.id, 4, "Kiitos, terveisin Maija Virtanen")
        stats = await row(ctx, chat.id)
        assert stats.feedback_score == 4
        assert not any("Maija" in t.text for t in await turns(ctx, chat.id))


async def test_bot_replies_while_queued_are_not_a_first_response(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock) as ctx:
        aino = await staff(ctx, "aino")
        chat, _ = await chats.create_chat(ctx, "fi", None, "127.0.0.1")
        await resident_says(ctx, chat.id, "/request_human")
        clock.advance(seconds=40)
        await post_message(ctx, chat.id, "bot", "Odota hetki")
        clock.advance(seconds=2)
        await lifecycle.accept(ctx, aino, chat.id)
        clock.advance(seconds=3)
        await post_message(ctx, chat.id, "bot", "bot again")
        clock.advance(seconds=12)
        await post_message(ctx, chat.id, "staff", "Hei", author_name="Aino")
        clock.advance(seconds=1)
        await closing.close_by_resident(ctx, chat.id)
        stats = await row(ctx, chat.id)
        assert stats.wait_s == 42.0 and stats.first_response_s == 15.0
        assert stats.closed_by == "resident" and stats.outcome is None
        # The staff member tags the chat the resident ended: the tags reach the row.
        await closing.close_by_staff(ctx, aino, chat.id, ["other"], "referred", None)
        stats = await row(ctx, chat.id)
        assert stats.outcome == "referred" and stats.tag_topics == "other"


async def test_abandoned_in_queue_and_idle_bot_chats_get_rows(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock, queue_abandon_s=60, bot_idle_close_s=600) as ctx:
        queued, _ = await chats.create_chat(ctx, "sv", "Vaasa", "127.0.0.1")
        idle, _ = await chats.create_chat(ctx, "en", None, "127.0.0.1")
        await resident_says(ctx, queued.id, "/request_human")
        clock.advance(seconds=61)
        await resident_presence.sweep(ctx)
        stats = await row(ctx, queued.id)
        assert (stats.handled_by, stats.closed_by, stats.outcome) == (
            "abandoned_queue", "system", "abandoned")
        assert stats.wait_s is None and stats.first_response_s is None
        assert stats.duration_s == 61.0 and stats.lang == "sv"
        clock.advance(seconds=600)
        await resident_presence.sweep(ctx)
        stats = await row(ctx, idle.id)
        assert (stats.handled_by, stats.closed_by, stats.outcome) == ("bot", "system", "idle")
        assert stats.duration_s == 661.0 and stats.bot_messages == 1


async def test_the_sweep_writes_rows_a_dead_process_left(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock) as ctx:
        ctx.spawn = lambda coro, name: coro.close()  # the process "dies" after the close
        chat, _ = await chats.create_chat(ctx, "fi", None, "127.0.0.1")
        await resident_says(ctx, chat.id, "hetu 010190-123M")
        await closing.close_by_resident(ctx, chat.id)
        assert await chat_stats.sweep(ctx) == 0  # within the grace the closer is trusted
        clock.advance(seconds=chat_stats.SWEEP_GRACE_S + 1)
        assert await chat_stats.sweep(ctx) == 1
        assert await chat_stats.sweep(ctx) == 0
        texts = [t.text for t in await turns(ctx, chat.id)]
        assert "hetu <HETU>" in texts and not any("010190" in t for t in texts)


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[Settings]:
    with database("postgres-redis", tmp_path) as chosen:
        yield chosen


async def test_two_writers_write_each_row_once(pg_settings: Settings) -> None:
    clock = Clock()
    async with context(pg_settings, clock) as one, context(pg_settings, clock) as two:
        one.spawn = two.spawn = lambda coro, name: coro.close()
        ids = []
        for n in range(8):
            chat, _ = await chats.create_chat(one, "fi", None, "127.0.0.1")
            await resident_says(one, chat.id, f"viesti {n}")
            await closing.close_by_resident(one, chat.id)
            ids.append(chat.id)
        won = await asyncio.gather(*(chat_stats.ensure(ctx_, chat_id)
                                     for chat_id in ids for ctx_ in (one, two, one, two)))
        assert sum(won) == len(ids)
        async with one.db.read() as session:
            rows = (await session.execute(select(func.count()).select_from(ChatStats))).scalar()
            msgs = (await session.execute(select(func.count()).select_from(StatsMessage))).scalar()
        assert rows == len(ids) and msgs == 4 * len(ids)  # greeting, message, reply, closed


async def test_transfers_count_moves_between_people_not_disconnects(settings: Settings) -> None:
    clock = Clock()
    async with context(settings, clock) as ctx:
        aino = await staff(ctx, "aino")
        boss = await accounts.add_staff(ctx.db, "boss", PASSWORD, ["supervisor"], "Boss", 3,
                                        ["fi"])
        chat, _ = await chats.create_chat(ctx, "fi", None, "127.0.0.1")
        await resident_says(ctx, chat.id, "/request_human")
        await transfers.reassign(ctx, boss, chat.id, "aino")  # queue → aino: 1
        await transfers.transfer(ctx, aino, chat.id, "queue", None)  # aino → queue: 2
        await lifecycle.accept(ctx, aino, chat.id)  # taking from the queue: not a transfer
        await lifecycle.requeue(ctx, chat.id, aino.id, reason="staff_disconnected")  # not one
        await lifecycle.accept(ctx, aino, chat.id)
        await transfers.reassign(ctx, boss, chat.id, "queue")  # aino → queue: 3
        await closing.close_by_resident(ctx, chat.id)
        stats = await row(ctx, chat.id)
        assert stats.transfers == 3 and stats.handled_by == "staff"
