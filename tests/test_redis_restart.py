"""Redis goes away mid-chat and comes back: nothing acknowledged is lost, live delivery heals
(the bus reconnects, resubscribes and the sockets fill gaps from the database)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backends import drop_postgres_db, fresh_postgres_db
from tests.clients import Resident, StaffClient
from tests.private_redis import PrivateRedis
from tests.processes import ServerProcess, create_staff, start_server


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[ServerProcess, PrivateRedis]]:
    private = PrivateRedis(tmp_path)
    private.start()
    db_url, db_name = fresh_postgres_db()
    try:
        with start_server(tmp_path / "srv", {"NEUVO_REDIS_URL": private.url,
                                             "NEUVO_STAFF_GRACE_S": "60"},
                          db_url=db_url) as server:
            yield server, private
    finally:
        private.kill()
        drop_postgres_db(db_name)


async def test_chat_survives_a_redis_restart(setup: tuple[ServerProcess, PrivateRedis]) -> None:
    server, private = setup
    staff = await StaffClient.start(server, create_staff(server, "redisrestart"))
    resident = await Resident.start(server)
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    await staff.accept(resident.chat_id)
    await resident.say("ennen katkoa")
    await staff.expect("message.created", text="ennen katkoa")

    private.kill()
    # During the outage the database still takes messages and acks them (rate limits and
    # locks fall back to this process; the staff socket stays open).
    for i in range(3):
        ack = await resident.say(f"katkon aikana {i}", client_msg_id=f"during-{i}-outage")
        assert ack["seq"] > 0

    # The process stays ready (a Redis outage must not take every process out of rotation)
    # and says that it is degraded; without the database it would not be ready.
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["bus"].startswith("unavailable")
    assert ready.json()["checks"]["database"] == "ok"

    private.start()
    # After the restart the staff member gets everything that was acked, in order, once:
    # wait for the third resident message, then let the socket send what it has queued.
    frames = await staff.until(lambda f: f["type"] == "message.created"
                               and f["text"] == "katkon aikana 2", timeout=20)
    frames += await staff.settle()
    texts = [f["text"] for f in frames if f["type"] == "message.created"
             and f["author"] == "resident"]
    assert texts == [f"katkon aikana {i}" for i in range(3)]
    assert not [f for f in frames if f["type"] == "chat.released"]
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        assert (await http.get("/readyz")).json()["status"] == "ready"
    await staff.say(resident.chat_id, "katkon jälkeen")
    await resident.expect("message.created", text="katkon jälkeen", timeout=10)
    await asyncio.gather(staff.close(), resident.close())
    assert server.log_path is not None
    log = server.log_path.read_text()
    assert '"level": "error"' not in log and "bus publish skipped" in log
