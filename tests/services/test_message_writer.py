"""Group commit (server/services/message_writer.py) on SQLite and PostgreSQL: messages that
arrive together are stored in one transaction with gapless seqs per chat, one failing message
does not fail its neighbours, retries inside one batch are stored once, and two processes'
writers on the same chats neither deadlock nor leave gaps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.minimal import MinimalBot
from server.bus.factory import Backends
from server.bus.memory import MemoryLocks, MemoryPresence, MemoryRateLimiter
from server.protocol.frames import MessageCreated
from server.services import closing
from server.services.context import ServiceContext
from server.services.errors import ChatClosed, Conflict, Forbidden, NotFound
from server.services.message_writer import NewMessage, Stored
from server.services.messages import messages_after, post_message
from server.services.posting import post_staff_message
from server.store.db import Database
from server.store.models import Chat
from tests.recording_bus import RecordingBus
from tests.services.conftest import Services
from tests.waiting import eventually


def count_transactions(db: Database) -> list[int]:
    """Counts the write transactions `db` opens from now on (one list item each)."""
    opened: list[int] = []
    original = db.write

    @asynccontextmanager
    async def counted() -> AsyncIterator[AsyncSession]:
        opened.append(1)
        async with original() as session:
            yield session

    db.write = counted  # type: ignore[method-assign]
    return opened


async def test_messages_sent_together_share_one_transaction(svc: Services) -> None:
    chat_ids = [await svc.chat() for _ in range(5)]
    before = {c: (await svc.load(c)).last_seq for c in chat_ids}
    opened = count_transactions(svc.ctx.db)
    with svc.bus.capture() as events:
        results = await asyncio.gather(*(
            post_message(svc.ctx, chat_id, "resident", f"{chat_id[:4]}-{i}",
                         client_msg_id=f"together-{n:04d}")
            for n, (chat_id, i) in enumerate((c, i) for i in range(4) for c in chat_ids)))
    assert all(created for _, created in results)
    # The first message starts a transaction alone; the other 19 arrived during it.
    assert len(opened) <= 3, opened
    for chat_id in chat_ids:
        stored = await messages_after(svc.ctx, chat_id, before[chat_id])
        assert [m.seq for m in stored] == [before[chat_id] + i + 1 for i in range(4)]
        assert [m.text for m in stored] == [f"{chat_id[:4]}-{i}" for i in range(4)]
        assert (await svc.load(chat_id)).last_seq == before[chat_id] + 4
        published = [e.frame for e in events if e.topic == f"chat:{chat_id}"]
        assert published == stored  # each once, in seq order, after the commit


async def test_one_bad_message_does_not_fail_its_batch(svc: Services) -> None:
    good, closed = await svc.chat(), await svc.chat()
    await closing.close_by_resident(svc.ctx, closed)
    outcomes = await asyncio.gather(
        post_message(svc.ctx, good, "resident", "a", client_msg_id="batch-0001"),
        post_message(svc.ctx, closed, "resident", "late", client_msg_id="batch-0002"),
        post_message(svc.ctx, "0" * 32, "resident", "nobody", client_msg_id="batch-0003"),
        post_message(svc.ctx, good, "resident", "b", client_msg_id="batch-0004"),
        return_exceptions=True)
    assert isinstance(outcomes[1], ChatClosed) and isinstance(outcomes[2], NotFound)
    first, second = outcomes[0], outcomes[3]
    assert isinstance(first, tuple) and isinstance(second, tuple)
    assert second[0].seq == first[0].seq + 1


async def test_a_retry_in_the_same_batch_is_stored_once(svc: Services) -> None:
    chat_id = await svc.chat()
    before = (await svc.load(chat_id)).last_seq
    outcomes = await asyncio.gather(
        post_message(svc.ctx, chat_id, "resident", "sama", client_msg_id="twice-0001"),
        post_message(svc.ctx, chat_id, "resident", "sama", client_msg_id="twice-0001"),
        post_message(svc.ctx, chat_id, "resident", "eri", client_msg_id="twice-0001"),
        return_exceptions=True)
    assert isinstance(outcomes[2], Conflict)
    (one, created_one), (two, created_two) = outcomes[0], outcomes[1]  # type: ignore[misc]
    assert one == two and (created_one, created_two) == (True, False)
    assert [m.seq for m in await messages_after(svc.ctx, chat_id, before)] == [before + 1]


async def test_a_batch_that_fails_in_the_database_is_retried_message_by_message(
        svc: Services, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite does not enforce column lengths; the PostgreSQL run covers this")
    chat_id = await svc.chat()
    outcomes = await asyncio.gather(
        svc.ctx.writer.write(svc.ctx, NewMessage(chat_id, "resident", "ok 1")),
        svc.ctx.writer.write(svc.ctx, NewMessage(chat_id, "x" * 11, "too long an author")),
        svc.ctx.writer.write(svc.ctx, NewMessage(chat_id, "resident", "ok 2")),
        return_exceptions=True)
    assert isinstance(outcomes[1], Exception) and not isinstance(outcomes[1], Stored)
    ok1, ok2 = outcomes[0], outcomes[2]
    assert isinstance(ok1, Stored) and isinstance(ok2, Stored)
    assert ok2.frame.seq == ok1.frame.seq + 1  # no gap where the bad one failed


async def test_a_caller_that_goes_away_does_not_take_its_message_along(svc: Services) -> None:
    chat_id = await svc.chat()
    before = (await svc.load(chat_id)).last_seq
    async with svc.ctx.db.write() as holder:
        # Hold the chat (its row lock on PostgreSQL, the write lock on SQLite) so that both
        # messages wait in the writer until the one caller has gone.
        await holder.execute(select(col(Chat.id)).where(col(Chat.id) == chat_id)
                             .with_for_update())
        blocker = asyncio.create_task(
            post_message(svc.ctx, chat_id, "resident", "first", client_msg_id="gone-0001"))
        leaving = asyncio.create_task(
            post_message(svc.ctx, chat_id, "resident", "second", client_msg_id="gone-0002"))

        async def both_waiting() -> bool:
            return svc.ctx.writer.unanswered == 2

        await eventually(both_waiting, timeout=5)
        leaving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leaving
    await blocker
    again, created = await post_message(svc.ctx, chat_id, "resident", "second",
                                        client_msg_id="gone-0002")
    assert not created and again.seq == before + 2
    assert svc.ctx.writer.unanswered == 0


async def test_staff_messages_only_in_their_own_active_chat(svc: Services) -> None:
    anna, ben = await svc.staff("anna"), await svc.staff("ben")
    chat_id = await svc.active_chat(anna)
    stored = await post_staff_message(svc.ctx, anna, chat_id, "Hei", "staff-0001")
    assert stored.created and stored.frame.author_name == "Anna"
    with pytest.raises(Forbidden) as refused:
        await post_staff_message(svc.ctx, ben, chat_id, "Minäkin", "staff-0002")
    assert refused.value.client_msg_id == "staff-0002"
    queued = await svc.chat(queued=True)
    with pytest.raises(Forbidden):
        await post_staff_message(svc.ctx, anna, queued, "Ohitus", "staff-0003")
    await closing.close_by_resident(svc.ctx, chat_id)
    with pytest.raises(ChatClosed):
        await post_staff_message(svc.ctx, anna, chat_id, "Myöhässä", "staff-0004")


async def test_two_processes_writing_the_same_chats_leave_no_gaps(svc: Services) -> None:
    """A second context with its own engine and writer stands for another server process
    (on SQLite: another connection to the same file)."""
    settings = svc.ctx.settings
    other_db = Database(settings.async_database_url)
    other = ServiceContext(settings=settings, db=other_db, bot=MinimalBot(), backends=Backends(
        RecordingBus(), MemoryRateLimiter(), MemoryPresence(), MemoryLocks()))
    chat_ids = [await svc.chat() for _ in range(4)]
    before = {c: (await svc.load(c)).last_seq for c in chat_ids}
    try:
        # The two send to the chats in opposite orders (row locks are taken in id order).
        await asyncio.gather(*(
            post_message(ctx, chat_id, "resident", f"{tag}{i}")
            for i in range(6)
            for ctx, tag, order in ((svc.ctx, "a", chat_ids), (other, "b", chat_ids[::-1]))
            for chat_id in order))
    finally:
        await other_db.dispose()
    for chat_id in chat_ids:
        stored: list[MessageCreated] = await messages_after(svc.ctx, chat_id, before[chat_id])
        assert [m.seq for m in stored] == list(range(before[chat_id] + 1, before[chat_id] + 13))
        assert sorted(m.text for m in stored) == sorted(f"{t}{i}" for t in "ab" for i in range(6))
