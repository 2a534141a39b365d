"""Connections the generator speaks through: Neuvo protocol v1, the baselines' relay frames,
and Socket.IO (Engine.IO 4 spoken directly over the same `websockets` client, so every target
is driven by the same client code and costs the generator the same)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import websockets

# Frames are large enough for a 120-byte message; a huge read limit is not needed.
CONNECT: dict[str, Any] = {"max_queue": None, "open_timeout": 60, "ping_interval": None}


class Conn:
    """One WebSocket with JSON frames in Neuvo's shape ({"type": ...})."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> Conn:
        return cls(await websockets.connect(url, **CONNECT, **kwargs))

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame, ensure_ascii=False))

    async def recv(self) -> dict[str, Any] | None:
        """The next frame; None for transport frames the caller ignores."""
        frame: dict[str, Any] = json.loads(await self.ws.recv())
        return frame

    async def expect(self, type_: str, **match: Any) -> dict[str, Any]:
        while True:
            frame = await self.recv()
            if frame is None:
                continue
            if frame.get("type") == "error":
                raise RuntimeError(f"error frame while waiting for {type_}: {frame}")
            if frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def close(self) -> None:
        await self.ws.close()


class SocketIOConn(Conn):
    """Socket.IO over a raw WebSocket: `42[event, data]` events, `42<id>[...]` with an ack,
    `43<id>[reply]` acks, `2`/`3` ping/pong. The ack reply is a frame in Neuvo's shape."""

    def __init__(self, ws: Any) -> None:
        super().__init__(ws)
        self.next_id = 0

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> Conn:
        conn = cls(await websockets.connect(url + "/socket.io/?EIO=4&transport=websocket",
                                            **CONNECT, **kwargs))
        opening = await conn.ws.recv()
        if not opening.startswith("0"):
            raise RuntimeError(f"not an Engine.IO open packet: {opening[:80]}")
        await conn.ws.send("40")
        while not (await conn.ws.recv()).startswith("40"):
            pass
        return conn

    async def send(self, frame: dict[str, Any]) -> None:
        self.next_id += 1
        payload = json.dumps([frame["type"], frame], ensure_ascii=False)
        await self.ws.send(f"42{self.next_id}{payload}")

    async def recv(self) -> dict[str, Any] | None:
        raw: str = await self.ws.recv()
        if raw == "2":
            await self.ws.send("3")
            return None
        if raw.startswith("43"):
            body = raw[2:].lstrip("0123456789")
            reply: dict[str, Any] = json.loads(body)[0]
            return reply
        if raw.startswith("42"):
            event, data = json.loads(raw[2:].lstrip("0123456789"))[:2]
            return data if isinstance(data, dict) else {"type": event}
        if raw.startswith("41") or raw.startswith("1"):
            raise ConnectionError("Socket.IO disconnect packet")
        return None




async def neuvo_create_chat(http: httpx.AsyncClient, base_url: str) -> tuple[str, str]:
    response = await http.post(base_url + "/api/v1/chats", json={"lang": "fi"})
    response.raise_for_status()
    body = response.json()
    return body["chat_id"], body["resident_token"]


async def neuvo_hello(base_url: str, chat_id: str, token: str) -> Conn:
    conn = await Conn.open(ws_url(base_url) + "/ws/v1/resident")
    await conn.send({"type": "hello", "chat_id": chat_id, "token": token, "last_seq": 0})
    await conn.expect("welcome")
    return conn


async def neuvo_staff(base_url: str, username: str, password: str) -> Conn:
    async with httpx.AsyncClient(timeout=600) as http:  # argon2 waits for idle CPU time
        login = await http.post(base_url + "/api/v1/staff/login",
                                json={"username": username, "password": password})
    login.raise_for_status()
    conn = await Conn.open(ws_url(base_url) + "/ws/v1/staff", origin=base_url,
                           additional_headers={"Cookie": f"neuvo_session={login.cookies['neuvo_session']}"})
    await conn.expect("queue.snapshot")
    return conn


async def relay_open(kind: str, base_url: str, hello: dict[str, Any]) -> Conn:
    """A baseline connection: `relay` (bare websockets / Starlette) or `socketio`."""
    if kind == "socketio":
        conn = await SocketIOConn.open(ws_url(base_url))
    else:
        conn = await Conn.open(ws_url(base_url) + "/ws")
    await conn.send({"type": "hello", **hello})
    await conn.expect("welcome")
    return conn


def ws_url(base_url: str) -> str:
    return "ws" + base_url.removeprefix("http")
