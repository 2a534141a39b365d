"""Hostile and broken input at the edge (issue 9, items 14, 15, 17, 18): control characters,
oversized numbers, deep nesting, compression bombs, frames before hello, idempotent resends.
Each is the client's mistake: refused cleanly, never an `unavailable` or an ERROR log line."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.backends import Backend
from tests.clients import Resident, msg_id, unique
from tests.processes import PASSWORD, ServerProcess, create_staff


def server_errors(server: ServerProcess) -> list[str]:
    """Lines of the server log at ERROR level or with a traceback."""
    assert server.log_path is not None
    text = server.log_path.read_text(errors="replace")
    return [line for line in text.splitlines()
            if '"level": "error"' in line or "Traceback" in line]


async def test_control_characters_are_refused_at_the_edge(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    for text in ("nolla\u0000merkki 010101-123A", "kello\u0007", "del\u007f"):
        cid = msg_id()
        await resident.send({"type": "message.send", "client_msg_id": cid, "text": text})
        error = await resident.expect("error", client_msg_id=cid)
        assert error["code"] == "invalid_frame", error
    # A lone surrogate (JSON \ud800) cannot be stored either.
    cid = msg_id()
    await resident.send(f'{{"type":"message.send","client_msg_id":"{cid}","text":"a\\ud800b"}}')
    assert (await resident.expect("error", client_msg_id=cid))["code"] == "invalid_frame"
    # Lines and tabs are ordinary text.
    assert (await resident.say("rivi 1\n\trivi 2\r\n"))["seq"] > 1
    await resident.close()

    admin = create_staff(server, unique("adm"), role="admin")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        chat = await http.post("/api/v1/chats", json={"lang": "fi", "municipality": "Vaasa\u0000"})
        assert chat.status_code == 422 and chat.json()["error"] == "invalid_frame"
        login = await http.post("/api/v1/staff/login",
                                json={"username": "demo\u0000", "password": PASSWORD})
        assert login.status_code == 422 and login.json()["error"] == "invalid_frame"
        ok = await http.post("/api/v1/staff/login", json={"username": admin, "password": PASSWORD})
        assert ok.status_code == 200
        for query in ("username=%00", "chat_id=a%00b", "username=x%01"):
            audit = await http.get(f"/api/v1/admin/audit?{query}")
            assert audit.status_code == 422 and audit.json()["error"] == "invalid_frame", query
        path = await http.get("/api/v1/staff/chats/a%00b/transcript.txt")
        assert path.status_code == 422
        # Letters whose UTF-8 bytes look like C1 controls (Ä = C3 84, € = E2 82 AC) pass.
        letters = await http.get("/api/v1/staff/canned?q=%C3%84%E2%82%AC")
        assert letters.status_code == 200, letters.text
    assert server_errors(server) == []


BAD_FRAMES = [
    '{"type":"read","seq":9223372036854775808}',
    '{"type":"read","seq":2147483648}',
    '{"type":"read","seq":-1}',
    '{"type":"read","seq":1e400}',
    '{"type":"read","seq":NaN}',
    '{"type":"read","seq":' + "9" * 5000 + "}",
    '{"type":"feedback.submit","score":99999999999999999999999}',
    "[" * 5000 + "]" * 5000,
    '{"type":"ping","x":' + "[" * 3000 + "]" * 3000 + "}",
    '{"type":"ping","x":' + '{"a":' * 9 + "1" + "}" * 9 + "}",
    '{"type":"message.send","client_msg_id":"abcdefgh1","text":{"a":[1,{"b":2}]}}',
    '{"type":"typing","active":"yes"}',
    '{"type":"hello","chat_id":"x","token":"y","last_seq":9223372036854775808}',
    '{"type":"\\u0000"}',
    '"just a string"',
    "",
]


async def test_bad_frames_are_invalid_frame_and_never_logged_as_errors(
    server: ServerProcess,
) -> None:
    resident = await Resident.start(server)
    for raw in BAD_FRAMES:  # expect() passes over (and keeps) the greeting
        await resident.send(raw)
        error = await resident.expect("error")
        assert error["code"] in ("invalid_frame", "rate_limited"), (raw[:60], error)
        assert error["code"] != "unavailable"
    # The socket is still usable and the log holds no ERROR or traceback.
    assert (await resident.say("vielä täällä"))["seq"] > 1
    await resident.close()
    assert server_errors(server) == []


async def test_garbage_before_hello_closes_the_socket_at_once(server: ServerProcess) -> None:
    for first in ("garbage", '{"type":"read","seq":1}', "[" * 100 + "]" * 100,
                  '{"type":"hello","chat_id":"x"}'):
        ws = await websockets.connect(server.ws_base + "/ws/v1/resident")
        await ws.send(first)
        error = json.loads(await ws.recv())
        assert error["type"] == "error" and error["code"] == "unauthorized", first
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401, first


async def test_no_compression_and_big_transport_frames_close_1009(server: ServerProcess) -> None:
    # The client offers permessage-deflate (websockets does by default): it is not accepted.
    ws = await websockets.connect(server.ws_base + "/ws/v1/resident", compression="deflate")
    assert ws.response is not None
    assert "sec-websocket-extensions" not in {k.lower() for k in ws.response.headers}
    await ws.close()
    # 100 KiB in one frame, before and after hello: closed with 1009 (message too big).
    resident = await Resident.start(server)
    unauthenticated = await websockets.connect(server.ws_base + "/ws/v1/resident",
                                               max_size=None)
    for ws in (unauthenticated, resident.ws):
        await ws.send("x" * (100 * 1024))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert server_errors(server) == []


async def test_idempotent_resend_is_answered_before_the_rate_limit(
    backend: Backend, tmp_path: Path,
) -> None:
    with backend.server(tmp_path, NEUVO_MESSAGES_PER_MINUTE="3") as server:
        resident = await Resident.start(server)
        cid = msg_id()
        first = await resident.say("tallessa", cid)
        for _ in range(2):
            await resident.say(f"toinen {msg_id()}")
        # The limit is used up; resends of a stored message still get their ack.
        for _ in range(10):
            assert (await resident.say("tallessa", cid))["seq"] == first["seq"]
        new = msg_id()
        await resident.send({"type": "message.send", "client_msg_id": new, "text": "uusi"})
        assert (await resident.expect("error", client_msg_id=new))["code"] == "rate_limited"
        await resident.close()


def test_sql_parameters_are_never_logged(tmp_path: Path) -> None:
    from server.store.db import Database

    for url in (f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
                "postgresql+asyncpg://nobody@127.0.0.1:1/none"):
        assert Database(url).engine.sync_engine.hide_parameters is True
