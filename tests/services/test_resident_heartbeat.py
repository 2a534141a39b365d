"""The residents' heartbeat beside the message writer: it never waits for, or deadlocks with,
a transaction that holds chat rows (on PostgreSQL it skips them until the next beat)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import col

from server.services import resident_presence
from server.store.models import Chat
from tests.services.conftest import Services


async def test_heartbeat_marks_the_open_chats(svc: Services) -> None:
    chat_ids = [await svc.chat(queued=True) for _ in range(3)]
    past = svc.ctx.clock() - timedelta(hours=1)
    async with svc.ctx.db.write() as session:
        await session.execute(update(Chat).values(resident_seen_at=past))
    for chat_id in chat_ids[:2]:
        svc.ctx.residents.add(chat_id)
    await resident_presence.heartbeat(svc.ctx)
    seen = [(await svc.load(c)).resident_seen_at for c in chat_ids]
    assert [s is not None and s.replace(tzinfo=None) > past.replace(tzinfo=None)
            for s in seen] == [True, True, False]


async def test_heartbeat_skips_rows_a_writer_holds(svc: Services, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        return  # one writer at a time by design: nothing to skip
    held, free = await svc.chat(queued=True), await svc.chat(queued=True)
    past = svc.ctx.clock() - timedelta(hours=1)
    async with svc.ctx.db.write() as session:
        await session.execute(update(Chat).values(resident_seen_at=past))
    svc.ctx.residents.add(held)
    svc.ctx.residents.add(free)
    async with svc.ctx.db.write() as writer:  # what a message batch holds while it commits
        await writer.execute(select(col(Chat.id)).where(col(Chat.id) == held)
                             .with_for_update(key_share=True))
        # Would wait until this block ends (or deadlock with a second row) without skipping.
        await asyncio.wait_for(resident_presence.heartbeat(svc.ctx), timeout=5)
    assert (await svc.load(held)).resident_seen_at == past
    after = (await svc.load(free)).resident_seen_at
    assert after is not None and after > past
