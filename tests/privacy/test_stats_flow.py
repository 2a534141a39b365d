"""A full chat with planted personal data through real server processes (both backends):
bot → queue → staff → close. The statistics rows hold typed placeholders and none of the
planted values, nor does the server's log; after the retention boundary the purge removes
the transcript and the old token is refused on resume. With two processes on PostgreSQL and
Redis every ended chat gets exactly one row."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import websockets
from sqlalchemy import func, select
from sqlmodel import col
from websockets.exceptions import ConnectionClosed

from server.config import Settings
from server.privacy import chat_stats, retention
from server.store.models import Message, utcnow
from server.store.models_stats import ChatStats, StatsMessage
from tests.backends import Backend, server_pair
from tests.clients import Resident, StaffClient, unique
from tests.privacy.privacy_helpers import Clock, context
from tests.processes import ServerProcess, create_staff

PLANTED = ["010190-123M", "040 765 4321", "matti.virtanen@example.com", "FI21 1234 5600 0007 85",
           "Koulukatu 5 B 12", "Virtaselle", "Virtanen", "Matti", "ABC-123"]
RESIDENT_SAYS = [
    "Hei, nimeni on Matti Virtanen ja hetu 010190-123M",
    "Soita minulle 040 765 4321 tai laita viestiä matti.virtanen@example.com",
    "Tilinumero FI21 1234 5600 0007 85, asun osoitteessa Koulukatu 5 B 12",
    "Auton rekisteri on ABC-123. Kerro Virtaselle terveisiä.",
]
PLACEHOLDERS = ["<NAME>", "<HETU>", "<PHONE>", "<EMAIL>", "<IBAN>", "<ADDRESS>", "<PLATE>"]


def settings_of(server: ServerProcess) -> Settings:
    return Settings(dev=True, database_url=server.env["NEUVO_DATABASE_URL"],
                    redis_url=server.env.get("NEUVO_REDIS_URL"))


async def wait_for_rows(settings: Settings, chat_ids: list[str], timeout: float = 20) -> None:
    """Until every chat has its statistics row (written in the background after the close)."""
    deadline = time.monotonic() + timeout
    async with context(settings) as ctx:
        while True:
            async with ctx.db.read() as session:
                found = (await session.execute(select(func.count()).select_from(ChatStats).where(
                    col(ChatStats.chat_id).in_(chat_ids)))).scalar_one()
            if found == len(chat_ids):
                return
            assert time.monotonic() < deadline, f"{found}/{len(chat_ids)} statistics rows"
            await asyncio.sleep(0.1)


async def full_chat(server: ServerProcess, staff: StaffClient) -> str:
    resident = await Resident.start(server, municipality="Seinäjoki")
    await resident.expect("message.created", author="bot")  # the greeting
    for text in RESIDENT_SAYS:
        await resident.say(text)
        await resident.expect("message.created", author="bot")  # answered: intent stored
    await resident.say("/request_human")
    await resident.expect("chat.state", state="queued")
    await staff.accept(resident.chat_id)
    await staff.say(resident.chat_id, "Hei Matti, soitanko numeroon 040 765 4321?")
    await resident.say("Kyllä kiitos")
    await staff.send({"type": "chat.close", "chat_id": resident.chat_id,
                      "tags": {"topics": ["other"], "outcome": "solved_first_contact"}})
    await resident.expect("chat.state", state="closed")
    await resident.close()
    return resident.chat_id


async def test_planted_personal_data_never_reaches_statistics_or_log(
        server: ServerProcess, backend: Backend) -> None:
    username = create_staff(server, unique("s"))
    staff = await StaffClient.start(server, username)
    chat_id = await full_chat(server, staff)
    settings = settings_of(server)
    await wait_for_rows(settings, [chat_id])
    async with context(settings) as ctx, ctx.db.read() as session:
        stats = await session.get(ChatStats, chat_id)
        turns = list((await session.execute(select(StatsMessage).where(
            col(StatsMessage.chat_id) == chat_id).order_by(col(StatsMessage.seq)))).scalars())
        intents = (await session.execute(select(col(Message.intent)).where(
            col(Message.chat_id) == chat_id, col(Message.author) == "resident")
            .order_by(col(Message.seq)))).scalars().all()
    assert stats is not None and stats.handled_by == "staff" and stats.resident_messages == 6
    assert stats.fallbacks == 4 and intents[:5] == ["nlu_fallback"] * 4 + ["request_human"]
    everything = json.dumps([stats.model_dump(mode="json")] + [
        t.model_dump(mode="json") for t in turns], ensure_ascii=False)
    for value in PLANTED:
        assert value not in everything, value
    joined = " ".join(t.text for t in turns)
    for placeholder in PLACEHOLDERS:
        assert placeholder in joined, placeholder
    await staff.close()
    log = server.log_path.read_text(errors="replace") if server.log_path else ""
    assert log, "the server log is written"
    for value in PLANTED:
        assert value not in log, value


async def test_purged_chat_token_is_refused_on_resume(server: ServerProcess) -> None:
    username = create_staff(server, unique("s"))
    staff = await StaffClient.start(server, username)
    resident = await Resident.start(server)
    await resident.say("/request_human")
    await resident.expect("chat.state", state="queued")
    await staff.accept(resident.chat_id)
    await staff.send({"type": "chat.close", "chat_id": resident.chat_id,
                      "tags": {"topics": ["other"], "outcome": "other"}})
    await resident.expect("chat.state", state="closed")
    await resident.close()
    await staff.close()
    assert (await resident.connect(server))["state"] == "closed"  # resumable until purged
    await resident.close()
    clock = Clock()
    clock.now = utcnow() + timedelta(days=31)
    async with context(settings_of(server), clock) as ctx:
        counts = await retention.purge(ctx)
    assert counts.chats >= 1 and not counts.skipped
    ws = await websockets.connect(server.ws_base + "/ws/v1/resident")
    await ws.send(json.dumps({"type": "hello", "chat_id": resident.chat_id,
                              "token": resident.token, "last_seq": 0}))
    error = json.loads(await ws.recv())
    assert error["type"] == "error" and error["code"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    with server_pair(tmp_path_factory.mktemp("two"), NEUVO_STATS_SWEEP_S="1") as (one, two):
        yield [one, two]


@pytest.mark.timeout(300)  # two server processes start first; slow on a busy machine
async def test_two_processes_write_exactly_one_row_per_chat(
        two_servers: list[ServerProcess]) -> None:
    one, two = two_servers
    staff: list[Any] = []
    for server in (one, two):
        staff.append(await StaffClient.start(server, create_staff(server, unique("s"))))
    closed = []
    for n in range(6):
        resident = await Resident.start(two_servers[n % 2])
        await resident.say("/request_human")
        await resident.expect("chat.state", state="queued")
        await staff[(n + 1) % 2].accept(resident.chat_id)  # accepted and closed on the other
        await staff[(n + 1) % 2].send({"type": "chat.close", "chat_id": resident.chat_id,
                                       "tags": {"topics": ["other"], "outcome": "other"}})
        await resident.expect("chat.state", state="closed")
        await resident.send({"type": "feedback.submit", "score": 1 + n % 5})
        await resident.expect("feedback.ack")
        await resident.close()
        closed.append(resident.chat_id)
    settings = settings_of(one)
    await wait_for_rows(settings, closed)
    async with context(settings) as ctx:
        ctx.clock = lambda: utcnow() + timedelta(seconds=60)  # past the sweep's grace
        assert await chat_stats.missing(ctx) == []
        async with ctx.db.read() as session:
            rows = (await session.execute(select(ChatStats).where(
                col(ChatStats.chat_id).in_(closed)))).scalars().all()
            turns = (await session.execute(select(col(StatsMessage.chat_id), func.count())
                                           .where(col(StatsMessage.chat_id).in_(closed))
                                           .group_by(col(StatsMessage.chat_id)))).all()
    assert len(rows) == len(closed)
    assert sorted(r.feedback_score or 0 for r in rows) == sorted(1 + n % 5 for n in range(6))
    assert len(turns) == len(closed)
    for client in staff:
        await client.close()
