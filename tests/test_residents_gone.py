"""Residents who leave, and staffing told honestly (defects issue items 1, 2, 8 and 13), on
SQLite + memory and PostgreSQL + Redis.

The abandon, idle and "resident has left" rules are timed rules: the server runs with short
periods (5 s, 5 s, 2 s; sweep every second) and the tests wait for the frame that proves each
rule, with a bound. Only "a resident who comes back keeps their place" has to let time pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.backends import Backend
from tests.clients import Resident, StaffClient, reaches_seq, unique
from tests.processes import PASSWORD, ServerProcess, create_staff

pytestmark = pytest.mark.timeout(90)
ABANDON_S, IDLE_S, GONE_S = 5, 6, 2


@pytest.fixture(scope="module")
def srv(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"NEUVO_QUEUE_ABANDON_S": str(ABANDON_S), "NEUVO_BOT_IDLE_CLOSE_S": str(IDLE_S),
           "NEUVO_RESIDENT_GONE_S": str(GONE_S), "NEUVO_STAFF_REVALIDATE_S": "60"}
    with backend.server(tmp_path_factory.mktemp("gone-" + backend.kind), **env) as server:
        yield server


async def queued(server: ServerProcess, lang: str = "fi") -> Resident:
    resident = await Resident.start(server, lang)
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    return resident


def system_texts(frames: list[dict[str, object]]) -> list[str]:
    return [str(f["text"]) for f in frames if f.get("type") == "message.created"
            and f.get("author") == "system"]


async def test_abandoned_chat_leaves_the_queue_and_positions_move_up(srv: ServerProcess) -> None:
    gone = await queued(srv)
    stays = await queued(srv)
    await stays.expect("queue.position", position=2)
    await gone.close()
    await stays.expect("queue.position", position=1, timeout=ABANDON_S + 8)
    welcome = await gone.connect(srv)
    assert welcome["state"] == "closed"
    texts = system_texts(await gone.until(reaches_seq(welcome["last_seq"])))
    assert any("Et ole enää jonossa" in t for t in texts), texts
    await stays.send({"type": "chat.close"})
    await stays.close()


async def test_resident_who_comes_back_keeps_their_place(srv: ServerProcess) -> None:
    first = await queued(srv)
    await first.close()
    await asyncio.sleep(ABANDON_S / 2)
    welcome = await first.connect(srv)
    assert welcome["state"] == "queued"
    second = await queued(srv)
    # Past the abandon period counted from the first disconnect, the first is still first.
    await asyncio.sleep(ABANDON_S / 2 + 2)
    await second.send({"type": "ping"})
    await second.expect("pong")
    await first.close()
    await first.connect(srv)
    position = await first.expect("queue.position")
    assert position["position"] == 1
    for resident in (first, second):
        await resident.send({"type": "chat.close"})
        await resident.close()


async def test_idle_bot_chat_is_closed_by_the_system(srv: ServerProcess) -> None:
    resident = await Resident.start(srv)
    state = await resident.expect("chat.state", state="closed", timeout=IDLE_S + 8)
    assert state["reason"] == "idle"
    await resident.close()


async def test_nobody_on_duty_is_said_honestly_then_staff_counts(srv: ServerProcess) -> None:
    supervisor = await StaffClient.start(srv, create_staff(srv, unique("sup"), role="supervisor"))
    resident = await Resident.start(srv)
    await resident.send({"type": "handoff.request"})
    position = await resident.expect("queue.position")
    assert position["staff_on_duty"] == 0 and position["estimated_wait_s"] is None
    # The handoff posts its system message before it announces the queued state.
    texts = system_texts(await resident.until(
        lambda f: f["type"] == "chat.state" and f["state"] == "queued"))
    assert any("kukaan työntekijä ei ole paikalla" in t for t in texts), texts
    async with httpx.AsyncClient() as http:
        status = (await http.get(srv.base_url + "/api/v1/service/status?lang=fi")).json()
        bad = await http.get(srv.base_url + "/api/v1/service/status?lang=de")
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_frame"
    assert status["open_now"] is True and status["staff_on_duty"] == 0
    staff = await StaffClient.start(srv, create_staff(srv, unique("s")))
    position = await resident.expect("queue.position", staff_on_duty=1)
    assert position["estimated_wait_s"] is not None
    await resident.send({"type": "chat.close"})
    for client in (resident, staff, supervisor):
        await client.close()


async def test_staff_is_told_when_the_resident_leaves_and_returns(srv: ServerProcess) -> None:
    staff = await StaffClient.start(srv, create_staff(srv, unique("s")))
    resident = await queued(srv)
    assigned = await staff.accept(resident.chat_id)
    assert assigned["resident_online"] is True
    await resident.close()
    left = await staff.expect("chat.presence", chat_id=resident.chat_id, timeout=GONE_S + 8)
    assert left["resident_online"] is False and left["since"].endswith("Z")
    await resident.connect(srv)
    back = await staff.expect("chat.presence", chat_id=resident.chat_id, resident_online=True)
    assert back["since"].endswith("Z")
    await resident.send({"type": "chat.close"})
    await resident.close()
    await staff.close()


async def test_role_removed_closes_the_open_staff_socket_at_once(srv: ServerProcess) -> None:
    name = create_staff(srv, unique("s"))
    staff = await StaffClient.start(srv, name)
    sup = create_staff(srv, unique("sup"), role="supervisor")
    async with httpx.AsyncClient(base_url=srv.base_url) as http:
        login = await http.post("/api/v1/staff/login", json={"username": sup, "password": PASSWORD})
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        changed = await http.patch(f"/api/v1/supervisor/staff/{name}", json={"capacity": 5},
                                   headers=headers)
        assert changed.status_code == 200, changed.text
        presence = await staff.expect("presence.updated", capacity=5, timeout=3)
        assert presence["capacity"] == 5
        demoted = await http.patch(f"/api/v1/supervisor/staff/{name}", json={"roles": ["editor"]},
                                   headers=headers)
        assert demoted.status_code == 200, demoted.text
    error = await staff.expect("error", code="forbidden", timeout=3)
    assert "no longer" in error["message"]
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(50):
            await staff.next(timeout=3)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
