"""Lifecycle actions in process, on SQLite and PostgreSQL: each test runs one action and
asserts the state it wrote and exactly the events it published, in order (Zulip-style
"action + events" tests). The protocol suites prove the same paths end to end."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select
from sqlmodel import col

from server.protocol.frames import (
    ChatAssigned,
    ChatReleased,
    ChatStateFrame,
    MessageCreated,
    QueuePosition,
    QueueUpdated,
)
from server.services import closing, lifecycle, texts, transfers
from server.services.errors import Conflict, Forbidden, InvalidInput
from server.services.queue import PICKUP_S
from server.store.models import AuditEntry, InternalNote
from tests.recording_bus import Published
from tests.services.conftest import Services


def system_text(event: Published) -> str:
    assert isinstance(event.frame, MessageCreated) and event.frame.author == "system"
    return event.frame.text


async def audit_actions(svc: Services, chat_id: str) -> list[tuple[str, str, str | None]]:
    async with svc.ctx.db.read() as session:
        rows = (await session.execute(select(AuditEntry).where(
            col(AuditEntry.chat_id) == chat_id).order_by(col(AuditEntry.id)))).scalars()
        return [(r.staff_id, r.action, r.detail) for r in rows]


# --- handoff ------------------------------------------------------------------------------

async def test_handoff_with_nobody_on_duty_queues_and_says_so(svc: Services) -> None:
    chat_id = await svc.chat()
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        assert await lifecycle.request_handoff(svc.ctx, chat_id) == "queued"

    chat = await svc.load(chat_id)
    assert (chat.state, chat.priority, chat.staff_id) == ("queued", False, None)
    assert chat.queued_at is not None and chat.handoff_at is not None
    assert svc.bus.kinds(events) == [(topic, "message.created"), (topic, "chat.state"),
                                     ("queue", "queue.updated"), (topic, "queue.position")]
    assert system_text(events[0]) == texts.text("queued_nobody", "fi")
    assert events[1].frame == ChatStateFrame(chat_id=chat_id, state="queued", reason="handoff",
                                             priority=False)
    queue = events[2].frame
    assert isinstance(queue, QueueUpdated) and [i.chat_id for i in queue.items] == [chat_id]
    assert events[3].frame == QueuePosition(chat_id=chat_id, position=1, estimated_wait_s=None,
                                            staff_on_duty=0)


async def test_handoff_with_staff_on_duty_gives_a_wait_estimate(svc: Services) -> None:
    await svc.staff()
    chat_id = await svc.chat("sv")
    with svc.bus.capture() as events:
        await lifecycle.request_handoff(svc.ctx, chat_id)
    assert system_text(events[0]) == texts.text("queued", "sv")
    assert events[-1].frame == QueuePosition(chat_id=chat_id, position=1,
                                             estimated_wait_s=PICKUP_S, staff_on_duty=1)


async def test_a_second_handoff_changes_nothing_but_a_safety_cue_raises_priority(
        svc: Services) -> None:
    first = await svc.chat(queued=True)
    second = await svc.chat(queued=True)
    with svc.bus.capture() as events:
        assert await lifecycle.request_handoff(svc.ctx, second) == "queued"
    assert events == []

    with svc.bus.capture() as events:
        assert await lifecycle.request_handoff(svc.ctx, second, priority=True) == "queued"
    assert (await svc.load(second)).priority
    assert svc.bus.kinds(events) == [("queue", "queue.updated"), (f"chat:{second}", "queue.position"),
                                     (f"chat:{first}", "queue.position")]
    queue = events[0].frame
    assert isinstance(queue, QueueUpdated)
    assert [(i.chat_id, i.priority) for i in queue.items] == [(second, True), (first, False)]


async def test_handoff_of_a_closed_chat_is_refused(svc: Services) -> None:
    chat_id = await svc.chat()
    await closing.close_by_resident(svc.ctx, chat_id)
    with svc.bus.capture() as events, pytest.raises(Exception, match="closed"):
        await lifecycle.request_handoff(svc.ctx, chat_id)
    assert events == []


# --- accept -------------------------------------------------------------------------------

async def test_accept_assigns_the_chat_and_publishes_the_assignment(svc: Services) -> None:
    staff = await svc.staff("aino", display_name="Aino")
    chat_id = await svc.chat(queued=True)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        await lifecycle.accept(svc.ctx, staff, chat_id)

    chat = await svc.load(chat_id)
    assert (chat.state, chat.staff_id, chat.requeued) == ("active", staff.id, False)
    assert chat.accepted_at is not None and chat.first_accepted_at is not None
    assert svc.bus.kinds(events) == [(topic, "message.created"), (topic, "chat.state"),
                                     (f"staff:{staff.id}", "chat.assigned"),
                                     ("queue", "queue.updated")]
    assert system_text(events[0]) == texts.text("joined", "fi", name="Aino")
    assert events[1].frame == ChatStateFrame(chat_id=chat_id, state="active", reason="accepted")
    assigned = events[2].frame
    assert isinstance(assigned, ChatAssigned) and assigned.chat_id == chat_id
    # The transcript ends with the "joined" message just published, nothing missing.
    assert [m.seq for m in assigned.transcript] == list(range(1, chat.last_seq + 1))
    assert assigned.transcript[-1] == events[0].frame
    assert events[3].frame == QueueUpdated(items=[])
    assert await audit_actions(svc, chat_id) == [(staff.id, "accept", None)]


async def test_of_concurrent_accepts_exactly_one_wins(svc: Services) -> None:
    staff = [await svc.staff() for _ in range(4)]
    chat_id = await svc.chat(queued=True)
    with svc.bus.capture() as events:
        results = await asyncio.gather(*(lifecycle.accept(svc.ctx, s, chat_id) for s in staff),
                                       return_exceptions=True)
    winners = [s for s, r in zip(staff, results, strict=True) if r is None]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    assert (await svc.load(chat_id)).staff_id == winners[0].id
    assert [e.topic for e in events if e.type == "chat.assigned"] == [f"staff:{winners[0].id}"]


async def test_accept_beyond_capacity_or_of_a_chat_not_queued_changes_nothing(
        svc: Services) -> None:
    staff = await svc.staff(capacity=1)
    first = await svc.chat(queued=True)
    second = await svc.chat(queued=True)
    await lifecycle.accept(svc.ctx, staff, first)
    with svc.bus.capture() as events:
        with pytest.raises(Conflict, match="capacity"):
            await lifecycle.accept(svc.ctx, staff, second)
        other = await svc.staff()
        with pytest.raises(Conflict, match="not waiting"):
            await lifecycle.accept(svc.ctx, other, first)
    assert events == []
    assert (await svc.load(second)).state == "queued"
    assert (await svc.load(first)).staff_id == staff.id


# --- take_next ----------------------------------------------------------------------------

async def test_take_next_prefers_priority_then_own_languages(svc: Services) -> None:
    fi_chat = await svc.chat("fi", queued=True)
    sv_chat = await svc.chat("sv", queued=True)
    urgent = await svc.chat("en", queued=True, priority=True)
    swede = await svc.staff(languages="sv", capacity=5)
    # Own languages first: the Swedish chat before the older Finnish one...
    assert await lifecycle.take_next(svc.ctx, swede) == sv_chat
    # ...and then any language, in queue order (priority first).
    assert await lifecycle.take_next(svc.ctx, swede) == urgent
    assert await lifecycle.take_next(svc.ctx, swede) == fi_chat
    with svc.bus.capture() as events, pytest.raises(Conflict, match="no chat is waiting"):
        await lifecycle.take_next(svc.ctx, swede)
    assert events == []


async def test_take_next_at_capacity_is_refused(svc: Services) -> None:
    staff = await svc.staff(capacity=1)
    await svc.chat(queued=True)
    waiting = await svc.chat(queued=True)
    await lifecycle.take_next(svc.ctx, staff)
    with pytest.raises(Conflict, match="capacity"):
        await lifecycle.take_next(svc.ctx, staff)
    assert (await svc.load(waiting)).state == "queued"


# --- transfer -----------------------------------------------------------------------------

async def test_transfer_to_a_colleague_moves_the_chat_with_the_note(svc: Services) -> None:
    aino = await svc.staff("aino", display_name="Aino")
    britta = await svc.staff("britta", display_name="Britta", languages="sv,fi")
    chat_id = await svc.active_chat(aino)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        await transfers.transfer(svc.ctx, aino, chat_id, "britta", "  Swedish speaker ")

    assert (await svc.load(chat_id)).staff_id == britta.id
    assert svc.bus.kinds(events) == [
        (topic, "message.created"), (f"staff:{aino.id}", "chat.released"),
        (topic, "message.created"), (topic, "chat.state"), (f"staff:{britta.id}", "chat.assigned")]
    assert system_text(events[0]) == texts.text("transferred", "fi")
    assert events[1].frame == ChatReleased(chat_id=chat_id, reason="transferred")
    assert system_text(events[2]) == texts.text("joined", "fi", name="Britta")
    assigned = events[4].frame
    assert isinstance(assigned, ChatAssigned)
    assert [(n.text, n.author_name) for n in assigned.notes] == [("Swedish speaker", "Aino")]
    async with svc.ctx.db.read() as session:
        notes = (await session.execute(select(InternalNote))).scalars().all()
    assert [(n.chat_id, n.staff_id, n.text) for n in notes] == [(chat_id, aino.id, "Swedish speaker")]
    assert await audit_actions(svc, chat_id) == [(aino.id, "accept", None),
                                                 (britta.id, "transfer", None)]


async def test_transfer_to_the_queue_puts_the_chat_at_its_head(svc: Services) -> None:
    staff = await svc.staff()
    older = await svc.chat(queued=True)
    chat_id = await svc.active_chat(staff)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        await transfers.transfer(svc.ctx, staff, chat_id, "queue", None)

    chat = await svc.load(chat_id)
    assert (chat.state, chat.staff_id, chat.requeued) == ("queued", None, True)
    assert svc.bus.kinds(events) == [
        (topic, "message.created"), (topic, "chat.state"), (f"staff:{staff.id}", "chat.released"),
        ("queue", "queue.updated"), (topic, "queue.position"), (f"chat:{older}", "queue.position")]
    assert system_text(events[0]) == texts.text("requeued", "fi")
    assert events[1].frame == ChatStateFrame(chat_id=chat_id, state="queued",
                                             reason="transferred_to_queue")
    assert events[2].frame == ChatReleased(chat_id=chat_id, reason="requeued")
    queue = events[3].frame
    assert isinstance(queue, QueueUpdated)
    assert [i.chat_id for i in queue.items] == [chat_id, older]  # returned chats first


async def test_transfer_refusals_change_nothing(svc: Services) -> None:
    aino = await svc.staff("aino")
    await svc.staff("away", status="away")
    await svc.staff("offline", status=None)
    stranger = await svc.staff("stranger")
    chat_id = await svc.active_chat(aino)
    with svc.bus.capture() as events:
        for target in ("away", "offline", "nobody"):
            with pytest.raises(Conflict, match="not available"):
                await transfers.transfer(svc.ctx, aino, chat_id, target, None)
        with pytest.raises(Forbidden):
            await transfers.transfer(svc.ctx, stranger, chat_id, "queue", None)
    assert events == []
    assert (await svc.load(chat_id)).staff_id == aino.id


# --- requeue (staff gone) -----------------------------------------------------------------

async def test_requeue_of_a_disconnected_staff_members_chat(svc: Services) -> None:
    staff = await svc.staff()
    chat_id = await svc.active_chat(staff)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        assert await lifecycle.requeue(svc.ctx, chat_id, staff.id, reason="staff_disconnected")
    assert svc.bus.kinds(events) == [
        (topic, "message.created"), (topic, "chat.state"), (f"staff:{staff.id}", "chat.released"),
        ("queue", "queue.updated"), (topic, "queue.position")]
    assert system_text(events[0]) == texts.text("staff_disconnected", "fi")
    assert events[1].frame == ChatStateFrame(chat_id=chat_id, state="queued",
                                             reason="staff_disconnected")
    # Only the staff member who has it can lose it, and only once.
    with svc.bus.capture() as events:
        assert not await lifecycle.requeue(svc.ctx, chat_id, staff.id, reason="staff_disconnected")
    assert events == []
    chat = await svc.load(chat_id)
    assert (chat.state, chat.requeued) == ("queued", True)


# --- close --------------------------------------------------------------------------------

async def test_close_by_staff_stores_the_tags(svc: Services) -> None:
    staff = await svc.staff()
    chat_id = await svc.active_chat(staff)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        await closing.close_by_staff(svc.ctx, staff, chat_id, ["other", "other"], "referred",
                                       "asumisneuvonta")
    chat = await svc.load(chat_id)
    assert (chat.state, chat.closed_by, chat.outcome, chat.referred_to) == (
        "closed", "staff", "referred", "asumisneuvonta")
    assert json.loads(chat.tag_topics or "") == ["other"]
    assert chat.closed_at is not None
    assert svc.bus.kinds(events) == [(topic, "message.created"), (topic, "chat.state"),
                                     (f"staff:{staff.id}", "chat.released")]
    assert system_text(events[0]) == texts.text("closed_by_staff", "fi")
    assert events[1].frame == ChatStateFrame(chat_id=chat_id, state="closed",
                                             reason="closed_by_staff")
    assert events[2].frame == ChatReleased(chat_id=chat_id, reason="closed")


async def test_close_with_an_unknown_topic_or_by_another_is_refused(svc: Services) -> None:
    staff, other = await svc.staff(), await svc.staff()
    chat_id = await svc.active_chat(staff)
    with svc.bus.capture() as events:
        with pytest.raises(InvalidInput, match="unknown topic"):
            await closing.close_by_staff(svc.ctx, staff, chat_id, ["greet"], "other", None)
        with pytest.raises(Forbidden):
            await closing.close_by_staff(svc.ctx, other, chat_id, ["other"], "other", None)
    assert events == []
    assert (await svc.load(chat_id)).state == "active"


async def test_a_chat_the_resident_closed_is_tagged_once_by_its_staff_member(svc: Services) -> None:
    staff = await svc.staff()
    chat_id = await svc.active_chat(staff)
    topic = f"chat:{chat_id}"
    with svc.bus.capture() as events:
        await closing.close_by_resident(svc.ctx, chat_id)
    assert svc.bus.kinds(events) == [(topic, "message.created"), (topic, "chat.state")]
    assert system_text(events[0]) == texts.text("closed_by_resident", "fi")

    with svc.bus.capture() as events:
        await closing.close_by_staff(svc.ctx, staff, chat_id, ["other"], "solved_first_contact",
                                       None)
    assert svc.bus.kinds(events) == [(f"staff:{staff.id}", "chat.released")]
    chat = await svc.load(chat_id)
    assert (chat.closed_by, chat.outcome) == ("resident", "solved_first_contact")
    with pytest.raises(Conflict, match="already tagged"):
        await closing.close_by_staff(svc.ctx, staff, chat_id, ["other"], "other", None)


async def test_a_resident_leaving_the_queue_updates_the_queue(svc: Services) -> None:
    leaving = await svc.chat(queued=True)
    staying = await svc.chat(queued=True)
    with svc.bus.capture() as events:
        await closing.close_by_resident(svc.ctx, leaving)
    assert svc.bus.kinds(events) == [
        (f"chat:{leaving}", "message.created"), (f"chat:{leaving}", "chat.state"),
        ("queue", "queue.updated"), (f"chat:{staying}", "queue.position")]
    assert events[-1].frame == QueuePosition(chat_id=staying, position=1, estimated_wait_s=None,
                                             staff_on_duty=0)
    with svc.bus.capture() as events:
        await closing.close_by_resident(svc.ctx, leaving)  # again: nothing happens
    assert events == []
