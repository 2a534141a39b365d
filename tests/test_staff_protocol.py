"""Staff side of protocol v1 on SQLite+memory and PostgreSQL+Redis."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.clients import Resident, StaffClient, unique
from tests.processes import PASSWORD, ServerProcess, create_staff, run_cli


async def queued_resident(server: ServerProcess, lang: str = "fi") -> Resident:
    resident = await Resident.start(server, lang)
    await resident.send({"type": "handoff.request"})
    await resident.expect("chat.state", state="queued")
    return resident


async def test_login_me_logout_and_csrf(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"), display_name="Anna")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        wrong = await http.post("/api/v1/staff/login", json={"username": name, "password": "nope"})
        assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
        assert (await http.get("/api/v1/staff/me")).status_code == 401
        ok = await http.post("/api/v1/staff/login", json={"username": name, "password": PASSWORD})
        assert ok.status_code == 200
        body = ok.json()
        assert body["display_name"] == "Anna" and body["roles"] == ["staff"] and body["csrf_token"]
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        me = await http.get("/api/v1/staff/me")
        assert me.status_code == 200 and me.json()["username"] == name
        no_csrf = await http.post("/api/v1/staff/logout")
        assert no_csrf.status_code == 403 and no_csrf.json()["error"] == "forbidden"
        out = await http.post("/api/v1/staff/logout", headers={"X-CSRF-Token": body["csrf_token"]})
        assert out.status_code == 200
        assert (await http.get("/api/v1/staff/me")).status_code == 401


async def test_login_rotates_sessions(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    first, _ = await StaffClient.login(server, name)
    second, _ = await StaffClient.login(server, name)
    assert first != second


@pytest.mark.parametrize("case", ["no_cookie", "no_origin", "bad_origin", "bad_cookie"])
async def test_staff_socket_refusals(server: ServerProcess, case: str) -> None:
    name = create_staff(server, unique("s"))
    cookie, _ = await StaffClient.login(server, name)
    headers = {"Cookie": f"neuvo_session={'x' if case == 'bad_cookie' else cookie}"}
    origin = {"no_origin": None, "bad_origin": "https://evil.example"}.get(case, server.base_url)
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(server.ws_base + "/ws/v1/staff", origin=origin,  # type: ignore[arg-type]
                                 additional_headers={} if case == "no_cookie" else headers)
    assert refused.value.response.status_code == 403


async def test_editor_only_account_cannot_take_chats(server: ServerProcess) -> None:
    name = create_staff(server, unique("e"), role="editor")
    cookie, _ = await StaffClient.login(server, name)
    with pytest.raises(InvalidStatus):
        await websockets.connect(server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
                                 additional_headers={"Cookie": f"neuvo_session={cookie}"})


async def test_queue_accept_chat_and_messages(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s"), display_name="Aino"))
    resident = await Resident.start(server)
    await resident.say("Tarvitsen apua vuokran kanssa")
    await resident.send({"type": "handoff.request"})
    items: list[dict[str, Any]] = []
    while not items:
        update = await staff.expect("queue.updated", timeout=5)
        items = [i for i in update["items"] if i["chat_id"] == resident.chat_id]
    item = items[0]
    assert item["lang"] == "fi" and item["priority"] is False and item["waited_s"] >= 0
    assigned = await staff.accept(resident.chat_id)
    texts = [m["text"] for m in assigned["transcript"]]
    assert "Tarvitsen apua vuokran kanssa" in texts  # the bot conversation comes along
    assert "resident_token" not in str(assigned) and resident.token not in str(assigned)
    assert (await resident.expect("chat.state", state="active"))["state"] == "active"
    joined = await resident.expect("message.created", author="system", timeout=5)
    while "Aino" not in joined["text"]:
        joined = await resident.expect("message.created", author="system")
    reply = await staff.say(resident.chat_id, "Hei, olen Aino. Miten voin auttaa?")
    assert reply["chat_id"] == resident.chat_id
    seen = await resident.expect("message.created", author="staff")
    assert seen["author_name"] == "Aino" and "username" not in seen
    await resident.say("Kiitos!")
    got = await staff.expect("message.created", author="resident", text="Kiitos!")
    assert got["chat_id"] == resident.chat_id
    # typing and read both ways
    await resident.send({"type": "typing", "active": True})
    assert (await staff.expect("typing"))["author"] == "resident"
    await staff.send({"type": "typing", "chat_id": resident.chat_id, "active": True})
    assert (await resident.expect("typing"))["author"] == "staff"
    await staff.send({"type": "read", "chat_id": resident.chat_id, "seq": got["seq"]})
    assert (await resident.expect("read"))["by"] == "staff"
    await resident.send({"type": "read", "seq": seen["seq"]})
    assert (await staff.expect("read"))["by"] == "resident"
    await staff.close()
    await resident.close()


async def test_accept_race_has_exactly_one_winner(server: ServerProcess) -> None:
    one = await StaffClient.start(server, create_staff(server, unique("s")))
    two = await StaffClient.start(server, create_staff(server, unique("s")))
    resident = await queued_resident(server)
    frame = {"type": "chat.accept", "chat_id": resident.chat_id}
    await asyncio.gather(one.send(frame), two.send(frame))

    async def outcome(client: StaffClient) -> str:
        while True:
            got = await client.next(timeout=5)
            if got["type"] == "chat.assigned" and got["chat_id"] == resident.chat_id:
                return "won"
            if got["type"] == "error":
                assert got["code"] == "conflict" and got["chat_id"] == resident.chat_id
                return "lost"

    results = sorted(await asyncio.gather(outcome(one), outcome(two)))
    assert results == ["lost", "won"]
    for client in (one, two, resident):
        await client.close()


async def test_take_next_transfer_and_close_with_tags(server: ServerProcess) -> None:
    first = await StaffClient.start(server, create_staff(server, unique("s"), display_name="A",
                                                         languages="sv"))
    colleague_name = create_staff(server, unique("s"), display_name="Britta", languages="sv")
    colleague = await StaffClient.start(server, colleague_name)
    resident = await queued_resident(server, "sv")
    await first.send({"type": "queue.take_next"})
    taken = await first.expect("chat.assigned")
    chat_id = taken["chat_id"]
    assert chat_id == resident.chat_id  # the only Swedish chat waiting: language skill first
    await first.send({"type": "chat.transfer", "chat_id": chat_id, "to": colleague_name,
                      "note": "Ruotsinkielinen asiakas"})
    assert (await first.expect("chat.released", chat_id=chat_id))["reason"] == "transferred"
    moved = await colleague.expect("chat.assigned", chat_id=chat_id)
    assert [n["text"] for n in moved["notes"]] == ["Ruotsinkielinen asiakas"]
    assert moved["notes"][0]["created_at"] and moved["notes"][0]["author_name"]
    # the internal note never reaches the resident: all it gets from the transfer, up to the
    # colleague's "joined" message (posted last) and whatever was queued behind it
    frames = await resident.until(lambda f: f["type"] == "message.created"
                                  and f["author"] == "system" and "Britta" in f["text"])
    frames += await resident.settle()
    assert all("Ruotsinkielinen asiakas" not in str(f) for f in frames)
    await colleague.send({"type": "chat.close", "chat_id": chat_id,
                          "tags": {"topics": ["weather"], "outcome": "referred"}})
    assert (await colleague.expect("error"))["code"] == "invalid_frame"
    # Conversational intents are not statistics topics.
    await colleague.send({"type": "chat.close", "chat_id": chat_id,
                          "tags": {"topics": ["greet"], "outcome": "other"}})
    assert (await colleague.expect("error"))["code"] == "invalid_frame"
    await colleague.send({"type": "chat.close", "chat_id": chat_id,
                          "tags": {"topics": ["housing_advice"], "outcome": "maybe"}})
    assert (await colleague.expect("error"))["code"] == "invalid_frame"
    await colleague.send({"type": "chat.close", "chat_id": chat_id,
                          "tags": {"topics": ["housing_advice", "other"],
                                   "outcome": "referred", "referred_to": "asumisneuvonta"}})
    await colleague.expect("chat.state", chat_id=chat_id, state="closed")
    await resident.expect("chat.state", state="closed")
    for client in (first, colleague, resident):
        await client.close()


async def test_staff_cannot_write_to_chats_not_theirs(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    resident = await queued_resident(server)
    await staff.send({"type": "message.send", "chat_id": resident.chat_id,
                      "client_msg_id": "abcdefgh-xyz", "text": "hei"})
    error = await staff.expect("error")
    assert error["code"] == "forbidden" and error["client_msg_id"] == "abcdefgh-xyz"
    await staff.send({"type": "chat.accept", "chat_id": "does-not-exist"})
    assert (await staff.expect("error"))["code"] in ("forbidden", "conflict")
    await staff.close()
    await resident.close()


async def test_capacity_is_enforced(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s"), capacity=1))
    one, two = await queued_resident(server), await queued_resident(server)
    await staff.accept(one.chat_id)
    await staff.send({"type": "chat.accept", "chat_id": two.chat_id})
    error = await staff.expect("error")
    assert error["code"] == "conflict" and "capacity" in error["message"]
    for client in (staff, one, two):
        await client.close()


async def test_deactivation_closes_open_sockets(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    staff = await StaffClient.start(server, name)
    result = run_cli(["staff", "deactivate", name], server.env)
    assert result.returncode == 0, result.stderr
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await staff.next(timeout=8)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    async with httpx.AsyncClient() as http:
        login = await http.post(server.base_url + "/api/v1/staff/login",
                                json={"username": name, "password": PASSWORD})
    assert login.status_code == 401


async def test_disconnected_staff_chat_returns_to_head_of_queue(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    resident = await queued_resident(server)
    await staff.accept(resident.chat_id)
    await resident.expect("chat.state", state="active")
    await resident.settle()  # drop the positions from its first time in the queue
    waiting = await queued_resident(server)  # queued later, never taken
    await staff.close()
    back = await resident.expect("chat.state", state="queued", timeout=15)
    assert back["reason"] == "staff_disconnected"
    mine = (await resident.expect("queue.position"))["position"]
    # The one waiting since before is told it is now behind the returned chat.
    frames = await waiting.until(lambda f: f["type"] == "queue.position" and f["position"] > mine)
    positions = [f["position"] for f in frames + await waiting.settle()
                 if f["type"] == "queue.position"]
    assert positions and mine < positions[-1]
    await resident.close()
    await waiting.close()


async def test_chat_the_resident_ended_can_still_be_tagged_once(server: ServerProcess) -> None:
    staff = await StaffClient.start(server, create_staff(server, unique("s")))
    resident = await queued_resident(server)
    await staff.accept(resident.chat_id)
    await resident.send({"type": "chat.close"})
    await staff.expect("chat.state", chat_id=resident.chat_id, state="closed")
    tags = {"topics": ["housing_advice"], "outcome": "no_answer_from_resident"}
    await staff.send({"type": "chat.close", "chat_id": resident.chat_id, "tags": tags})
    released = await staff.expect("chat.released", chat_id=resident.chat_id)
    assert released["reason"] == "closed"
    await staff.send({"type": "chat.close", "chat_id": resident.chat_id, "tags": tags})
    again = await staff.expect("error", chat_id=resident.chat_id)
    assert again["code"] == "conflict"
    other = await StaffClient.start(server, create_staff(server, unique("o")))
    await other.send({"type": "chat.close", "chat_id": resident.chat_id, "tags": tags})
    assert (await other.expect("error", chat_id=resident.chat_id))["code"] == "chat_closed"
    for client in (staff, other, resident):
        await client.close()


async def test_reconnect_resends_chats_then_presence(server: ServerProcess) -> None:
    name = create_staff(server, unique("s"))
    staff = await StaffClient.start(server, name)
    first, second = await queued_resident(server), await queued_resident(server)
    await staff.accept(first.chat_id)
    await staff.accept(second.chat_id)
    await staff.close()
    await staff.connect(server)
    # presence.updated ends the re-send; settle() shows nothing else of it follows.
    frames = await staff.until(lambda f: f["type"] == "presence.updated")
    order = [f["type"] for f in frames + await staff.settle()
             if f["type"] in ("chat.assigned", "presence.updated")]
    assert order == ["chat.assigned", "chat.assigned", "presence.updated"]
    for client in (staff, first, second):
        await client.close()
