"""Storing messages in process, on SQLite and PostgreSQL: seq without gaps, idempotent
client_msg_id, the per-chat rate limit, closed and unknown chats; each with the frames
published (store first, then publish)."""

from __future__ import annotations

import asyncio

import pytest

from server.protocol.frames import MessageCreated
from server.services import closing
from server.services.errors import ChatClosed, Conflict, NotFound, RateLimited
from server.services.messages import messages_after, post_message
from tests.services.conftest import Services


async def test_each_message_gets_the_next_seq_and_is_published(svc: Services) -> None:
    chat_id = await svc.chat()
    first = (await svc.load(chat_id)).last_seq  # the bot's greeting
    with svc.bus.capture() as events:
        for i in range(3):
            frame, created = await post_message(svc.ctx, chat_id, "resident", f"m{i}",
                                                client_msg_id=f"client-{i:04d}")
            assert created and frame.seq == first + 1 + i
    assert [(e.topic, e.type) for e in events] == [(f"chat:{chat_id}", "message.created")] * 3
    published = [e.frame for e in events]
    assert all(isinstance(f, MessageCreated) for f in published)
    assert published == await messages_after(svc.ctx, chat_id, first)
    assert (await svc.load(chat_id)).last_seq == first + 3


async def test_a_retry_is_acked_again_without_a_new_message(svc: Services) -> None:
    chat_id = await svc.chat()
    stored, _ = await post_message(svc.ctx, chat_id, "resident", "Hei", client_msg_id="retry-0001")
    with svc.bus.capture() as events:
        again, created = await post_message(svc.ctx, chat_id, "resident", "Hei",
                                            client_msg_id="retry-0001")
        with pytest.raises(Conflict, match="different text"):
            await post_message(svc.ctx, chat_id, "resident", "Moi", client_msg_id="retry-0001")
    assert (again, created) == (stored, False)
    assert events == []
    assert (await svc.load(chat_id)).last_seq == stored.seq


async def test_the_per_chat_limit_refuses_new_messages_but_acks_retries(svc: Services) -> None:
    chat_id = await svc.chat()
    for i in range(2):
        await post_message(svc.ctx, chat_id, "resident", "x", client_msg_id=f"limit-{i:04d}",
                           per_minute=2)
    with svc.bus.capture() as events:
        with pytest.raises(RateLimited):
            await post_message(svc.ctx, chat_id, "resident", "x", client_msg_id="limit-0002",
                               per_minute=2)
        _, created = await post_message(svc.ctx, chat_id, "resident", "x",
                                        client_msg_id="limit-0001", per_minute=2)
    assert not created and events == []


async def test_resends_of_a_stored_message_are_not_counted(svc: Services) -> None:
    chat_id = await svc.chat()
    await post_message(svc.ctx, chat_id, "resident", "x", client_msg_id="count-0000",
                       per_minute=2)
    for _ in range(5):  # reconnecting tabs resending their outbox
        _, created = await post_message(svc.ctx, chat_id, "resident", "x",
                                        client_msg_id="count-0000", per_minute=2)
        assert not created
    _, created = await post_message(svc.ctx, chat_id, "resident", "y",
                                    client_msg_id="count-0001", per_minute=2)
    assert created  # the second new message of the minute is still within the limit
    with pytest.raises(RateLimited):
        await post_message(svc.ctx, chat_id, "resident", "z", client_msg_id="count-0002",
                           per_minute=2)


async def test_closed_and_unknown_chats(svc: Services) -> None:
    chat_id = await svc.chat()
    await closing.close_by_resident(svc.ctx, chat_id)
    with svc.bus.capture() as events:
        with pytest.raises(ChatClosed):
            await post_message(svc.ctx, chat_id, "resident", "late")
        with pytest.raises(NotFound):
            await post_message(svc.ctx, "0" * 32, "resident", "nobody")
    assert events == []
    frame, created = await post_message(svc.ctx, chat_id, "system", "closing note", allow_closed=True)
    assert created and frame.author == "system"


async def test_concurrent_writers_get_distinct_seqs_without_gaps(svc: Services) -> None:
    chat_id = await svc.chat()
    first = (await svc.load(chat_id)).last_seq
    with svc.bus.capture() as events:
        results = await asyncio.gather(*(
            post_message(svc.ctx, chat_id, "resident", f"c{i}", client_msg_id=f"conc-{i:04d}")
            for i in range(20)))
    seqs = sorted(frame.seq for frame, _ in results)
    assert seqs == list(range(first + 1, first + 21))
    assert sorted(e.frame.seq for e in events if isinstance(e.frame, MessageCreated)) == seqs
