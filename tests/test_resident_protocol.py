"""Resident side of protocol v1, frame by frame, on SQLite+memory and PostgreSQL+Redis."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.clients import Resident, created, msg_id, reaches_seq
from tests.processes import ServerProcess


async def test_create_chat_returns_token_and_ws_url(server: ServerProcess) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.base_url + "/api/v1/chats",
                                   json={"lang": "sv", "municipality": "Vaasa"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"chat_id", "resident_token", "ws_url"}
    assert len(body["resident_token"]) >= 22  # >= 128 random bits, url-safe base64
    assert body["ws_url"].endswith("/ws/v1/resident")


@pytest.mark.parametrize(("body", "status"), [
    ({"lang": "de"}, 422),
    ({"lang": "fi", "extra": 1}, 422),
    ({"lang": "fi", "municipality": {"a": 1}}, 422),
    ({"lang": ["fi"]}, 422),
    ({}, 422),
    ({"lang": "fi", "municipality": "x" * 101}, 422),
])
async def test_create_chat_refuses_bad_bodies(
    server: ServerProcess, body: dict[str, Any], status: int,
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.base_url + "/api/v1/chats", json=body)
    assert response.status_code == status
    assert response.json()["error"] == "invalid_frame"
    assert response.json()["message"]


async def test_create_chat_refuses_non_json_and_huge_bodies(server: ServerProcess) -> None:
    async with httpx.AsyncClient() as http:
        not_json = await http.post(server.base_url + "/api/v1/chats", content=b"{lang",
                                   headers={"content-type": "application/json"})
        form = await http.post(server.base_url + "/api/v1/chats", data={"lang": "fi"})
        huge = await http.post(server.base_url + "/api/v1/chats",
                               json={"lang": "fi", "municipality": "x" * 20000})
    assert not_json.status_code == 422
    assert form.status_code == 422
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"


async def test_hello_welcome_and_greeting_replay(server: ServerProcess) -> None:
    resident = await Resident.start(server, "en")
    greeting = await resident.expect("message.created")
    assert greeting["seq"] == 1 and greeting["author"] == "bot"
    assert any(b["payload"] == "/request_human" for b in greeting["buttons"])
    welcome = await resident.connect(server, last_seq=0)
    assert welcome == {"type": "welcome", "chat_id": resident.chat_id, "state": "bot",
                       "last_seq": 1, "lang": "en"}
    await resident.close()


@pytest.mark.parametrize("case", ["wrong_token", "unknown_chat", "no_hello"])
async def test_unauthorized_hello_closes_4401(server: ServerProcess, case: str) -> None:
    resident = await Resident.start(server)
    await resident.close()
    ws = await websockets.connect(server.ws_base + "/ws/v1/resident")
    frames = {
        "wrong_token": {"type": "hello", "chat_id": resident.chat_id, "token": "x" * 43,
                        "last_seq": 0},
        "unknown_chat": {"type": "hello", "chat_id": "nope", "token": resident.token,
                         "last_seq": 0},
        "no_hello": {"type": "typing", "active": True},
    }
    await ws.send(json.dumps(frames[case]))
    error = json.loads(await ws.recv())
    assert error["type"] == "error" and error["code"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_message_ack_created_and_bot_reply(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    cid = msg_id()
    await resident.send({"type": "message.send", "client_msg_id": cid, "text": "Hei"})
    created = await resident.expect("message.created", author="resident")
    ack = await resident.expect("message.ack")
    assert ack == {"type": "message.ack", "client_msg_id": cid, "seq": 2}
    assert created["seq"] == 2 and created["client_msg_id"] == cid and created["text"] == "Hei"
    assert created["created_at"].endswith("Z")
    reply = await resident.expect("message.created", seq=3)
    assert reply["author"] == "bot" and reply["text"]
    await resident.close()


async def test_idempotent_resend_and_conflict(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    cid = msg_id()
    first = await resident.say("sama viesti", cid)
    again = await resident.say("sama viesti", cid)
    assert first["seq"] == again["seq"]
    await resident.send({"type": "message.send", "client_msg_id": cid, "text": "eri teksti"})
    error = await resident.expect("error")
    assert error["code"] == "conflict" and error["client_msg_id"] == cid
    # The retry is stored once: a fresh replay shows it a single time.
    await resident.close()
    welcome = await resident.connect(server, last_seq=0)
    frames = await resident.until(reaches_seq(welcome["last_seq"]))
    texts = [f["text"] for f in created(frames + await resident.settle())]
    assert texts.count("sama viesti") == 1
    await resident.close()


async def test_resume_from_any_seq_replays_in_order(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    for i in range(5):
        await resident.say(f"viesti {i}")
    # The chat is complete once the (minimal, one reply a message) bot has answered all five.
    answers: list[int] = []

    def fifth_answer(frame: dict[str, Any]) -> bool:
        if frame["type"] == "message.created" and frame["author"] == "bot" and frame["seq"] > 1:
            answers.append(frame["seq"])  # (seq 1 is the greeting)
        return len(answers) == 5

    await resident.until(fifth_answer)
    await resident.close()
    welcome = await resident.connect(server, last_seq=0)
    frames = await resident.until(reaches_seq(welcome["last_seq"]))
    seqs = [f["seq"] for f in created(frames + await resident.settle())]
    assert seqs == list(range(1, welcome["last_seq"] + 1))
    for start in (1, 4, welcome["last_seq"]):
        await resident.close()
        await resident.connect(server, last_seq=start)
        frames = [] if start == welcome["last_seq"] else await resident.until(
            reaches_seq(welcome["last_seq"]))
        replay = [f["seq"] for f in created(frames + await resident.settle())]
        assert replay == list(range(start + 1, welcome["last_seq"] + 1))
    await resident.close()


async def test_size_limits(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    cid = msg_id()
    await resident.send({"type": "message.send", "client_msg_id": cid, "text": "a" * 4001})
    error = await resident.expect("error")
    assert error["code"] == "too_large" and error["client_msg_id"] == cid
    ok = await resident.say("😀" * 4000)  # 4 bytes each in UTF-8: still within 16 KiB
    assert ok["seq"] > 1
    await resident.send(json.dumps({"type": "message.send", "client_msg_id": msg_id(),
                                    "text": "x" * 17000}))
    assert (await resident.expect("error"))["code"] == "too_large"
    await resident.send({"type": "ping"})
    await resident.expect("pong")
    await resident.close()


@pytest.mark.parametrize("raw", [
    "not json",
    "[1, 2]",
    '"text"',
    '{"no_type": 1}',
    '{"type": "launch.rocket"}',
    '{"type": "message.send", "client_msg_id": "abcdefgh-1", "text": {"a": 1}}',
    '{"type": "message.send", "client_msg_id": "abcdefgh-2", "text": ["a"]}',
    '{"type": "message.send", "client_msg_id": "abcdefgh-3"}',
    '{"type": "message.send", "client_msg_id": "abcdefgh-4", "text": "x", "extra": 1}',
    '{"type": "message.send", "client_msg_id": 12345678, "text": "x"}',
    '{"type": "message.send", "client_msg_id": "abcdefgh-5", "text": ""}',
    '{"type": "typing", "active": "yes"}',
    '{"type": "read", "seq": "3"}',
    '{"type": "read", "seq": 0}',
    '{"type": "feedback.submit", "score": 9}',
])
async def test_invalid_frames_get_error_and_socket_stays_open(server: ServerProcess,
                                                              raw: str) -> None:
    resident = await Resident.start(server)
    await resident.send(raw)
    error = await resident.expect("error")
    assert error["code"] == "invalid_frame" and error["message"]
    if '"client_msg_id": "abcdefgh' in raw:
        assert error["client_msg_id"].startswith("abcdefgh")
    await resident.send({"type": "ping"})
    await resident.expect("pong")
    await resident.close()


async def test_binary_frame_is_refused(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    await resident.ws.send(b"\x00\x01")
    assert (await resident.expect("error"))["code"] == "invalid_frame"
    await resident.close()


async def test_handoff_queue_position_without_staff(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    await resident.send({"type": "handoff.request"})
    state = await resident.expect("chat.state")
    assert state["state"] == "queued"
    position = await resident.expect("queue.position")
    assert position["position"] >= 1
    assert "estimated_wait_s" in position
    system = await resident.expect("message.created", author="system")
    assert system["text"]
    # A button payload works the same way as the handoff frame.
    other = await Resident.start(server)
    await other.say("/request_human")
    assert (await other.expect("chat.state"))["state"] == "queued"
    await resident.close()
    await other.close()


async def test_close_then_feedback(server: ServerProcess) -> None:
    resident = await Resident.start(server)
    await resident.send({"type": "feedback.submit", "score": 5})
    assert (await resident.expect("error"))["code"] == "conflict"
    await resident.send({"type": "chat.close"})
    assert (await resident.expect("chat.state"))["state"] == "closed"
    cid = msg_id()
    await resident.send({"type": "message.send", "client_msg_id": cid, "text": "vielä"})
    error = await resident.expect("error")
    assert error["code"] == "chat_closed" and error["client_msg_id"] == cid
    await resident.send({"type": "feedback.submit", "score": 4, "comment": "Kiitos"})
    await resident.expect("feedback.ack")
    await resident.send({"type": "feedback.submit", "score": 3})
    assert (await resident.expect("error"))["code"] == "conflict"
    await resident.close()


async def test_origin_rules_on_resident_socket(server: ServerProcess) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(server.ws_base + "/ws/v1/resident",
                                 origin="https://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    same = await websockets.connect(server.ws_base + "/ws/v1/resident",
                                    origin=server.base_url)  # type: ignore[arg-type]
    await same.close()
    no_origin = await websockets.connect(server.ws_base + "/ws/v1/resident")
    await no_origin.close()


async def test_health_endpoints(server: ServerProcess) -> None:
    async with httpx.AsyncClient() as http:
        health = await http.get(server.base_url + "/healthz")
        ready = await http.get(server.base_url + "/readyz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"
