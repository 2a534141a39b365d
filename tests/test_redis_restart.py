"""Redis goes away mid-chat and comes back: nothing acknowledged is lost, live delivery heals
(the bus reconnects, resubscribes and the sockets fill gaps from the database)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import drop_postgres_db, fresh_postgres_db
from tests.helpers import Resident, ServerProcess, StaffClient, create_staff, free_port, start_server


class PrivateRedis:
    """A redis-server of our own, so killing it does not disturb other tests."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir = free_port(), workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


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

    private.start()
    # After the restart the staff member gets everything that was acked, in order, once.
    texts = []
    for _ in range(40):
        frames = await staff.quiet(0.5)
        texts += [f["text"] for f in frames if f["type"] == "message.created"
                  and f["author"] == "resident"]
        if len(texts) >= 3:
            break
    assert texts == [f"katkon aikana {i}" for i in range(3)]
    assert not [f for f in await staff.quiet(0.5) if f["type"] == "chat.released"]
    await staff.say(resident.chat_id, "katkon jälkeen")
    await resident.expect("message.created", text="katkon jälkeen", timeout=10)
    await asyncio.gather(staff.close(), resident.close())
    assert server.log_path is not None
    log = server.log_path.read_text()
    assert '"level": "error"' not in log and "bus publish skipped" in log
