"""Protocol v1 test clients: a resident and a staff member over real WebSockets, waiting for
known frames (never for a fixed time before an exact assertion)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import websockets

from tests.processes import PASSWORD, ServerProcess


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def msg_id() -> str:
    return str(uuid.uuid4())


def reaches_seq(seq: int) -> Callable[[dict[str, Any]], bool]:
    """For `Client.until`: the chat message numbered `seq` (or a later one) has arrived."""
    return lambda frame: frame["type"] == "message.created" and frame["seq"] >= seq


def created(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat messages among `frames`."""
    return [frame for frame in frames if frame["type"] == "message.created"]


_OPEN: list[Client] = []  # strong references: a test's clients outlive its locals


async def close_all() -> None:
    """Close every client socket a test left open (conftest runs this after each test)."""
    clients, _OPEN[:] = list(_OPEN), []
    for client in clients:
        await client.close()


class Client:
    """A protocol client: frames in order, with helpers to wait for a frame type."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.buffer: list[dict[str, Any]] = []
        _OPEN.append(self)

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False))

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        if self.buffer:
            return self.buffer.pop(0)
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return frame

    async def expect(self, type_: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
        """The next frame of `type_` (matching fields); other frames stay buffered."""
        skipped: list[dict[str, Any]] = []
        for i, frame in enumerate(self.buffer):
            if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                return self.buffer.pop(i)
        deadline = time.monotonic() + timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {type_} {match} within {timeout}s; saw {skipped}")
                got: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
                if got["type"] == type_ and all(got.get(k) == v for k, v in match.items()):
                    return got
                skipped.append(got)
        finally:
            self.buffer.extend(skipped)

    async def until(self, predicate: Callable[[dict[str, Any]], bool],
                    timeout: float = 5.0) -> list[dict[str, Any]]:
        """Every frame (buffered ones first, then received) up to and including the first one
        for which `predicate` holds, consumed. Raises TimeoutError, with what it saw, if that
        frame does not come within `timeout` seconds (the frames seen stay buffered)."""
        seen: list[dict[str, Any]] = []
        try:
            while self.buffer:
                seen.append(self.buffer.pop(0))
                if predicate(seen[-1]):
                    return seen
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    raw = await asyncio.wait_for(self.ws.recv(), remaining)
                except TimeoutError:
                    raise TimeoutError(f"the awaited frame did not come within {timeout}s; "
                                       f"saw {seen}") from None
                seen.append(json.loads(raw))
                if predicate(seen[-1]):
                    return seen
        except BaseException:
            self.buffer[:0] = seen
            raise

    async def settle(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """A barrier: send a ping and return every frame before its pong (buffered ones
        included). The server sends a socket's frames from one ordered queue, so whatever it
        had queued for this socket before it handled the ping comes first. A frame another
        process publishes through Redis may still be on its way: wait for a known frame the
        same action produces first, and use this only as an extra guard."""
        await self.send({"type": "ping"})
        return (await self.until(lambda frame: frame["type"] == "pong", timeout))[:-1]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()  # a no-op when already closed; the client stays tracked


class Resident(Client):
    def __init__(self, ws: Any, chat_id: str, token: str) -> None:
        super().__init__(ws)
        self.chat_id, self.token = chat_id, token

    @classmethod
    async def start(cls, server: ServerProcess, lang: str = "fi", **body: Any) -> Resident:
        async with httpx.AsyncClient() as http:
            response = await http.post(server.base_url + "/api/v1/chats",
                                       json={"lang": lang, **body})
        response.raise_for_status()
        data = response.json()
        resident = cls(None, data["chat_id"], data["resident_token"])
        await resident.connect(server)
        return resident

    async def connect(self, server: ServerProcess, last_seq: int = 0) -> dict[str, Any]:
        await self.close()  # a reconnect never leaves the previous socket open
        self.ws = await websockets.connect(server.ws_base + "/ws/v1/resident")
        self.buffer = []
        await self.send({"type": "hello", "chat_id": self.chat_id, "token": self.token,
                         "last_seq": last_seq})
        return await self.expect("welcome")

    async def say(self, text: str, client_msg_id: str | None = None) -> dict[str, Any]:
        cid = client_msg_id or msg_id()
        await self.send({"type": "message.send", "client_msg_id": cid, "text": text})
        return await self.expect("message.ack", client_msg_id=cid)


class StaffClient(Client):
    def __init__(self, ws: Any, cookie: str, csrf: str) -> None:
        super().__init__(ws)
        self.cookie, self.csrf = cookie, csrf

    @staticmethod
    async def login(server: ServerProcess, username: str,
                    password: str = PASSWORD) -> tuple[str, str]:
        async with httpx.AsyncClient() as http:
            response = await http.post(server.base_url + "/api/v1/staff/login",
                                       json={"username": username, "password": password})
        response.raise_for_status()
        return response.cookies["neuvo_session"], response.json()["csrf_token"]

    @classmethod
    async def start(cls, server: ServerProcess, username: str,
                    password: str = PASSWORD) -> StaffClient:
        cookie, csrf = await cls.login(server, username, password)
        client = cls(None, cookie, csrf)
        await client.connect(server)
        return client

    async def connect(self, server: ServerProcess) -> dict[str, Any]:
        await self.close()
        self.ws = await websockets.connect(
            server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"neuvo_session={self.cookie}"})
        self.buffer = []
        return await self.expect("queue.snapshot")

    async def accept(self, chat_id: str) -> dict[str, Any]:
        await self.send({"type": "chat.accept", "chat_id": chat_id})
        return await self.expect("chat.assigned", chat_id=chat_id)

    async def say(self, chat_id: str, text: str) -> dict[str, Any]:
        cid = msg_id()
        await self.send({"type": "message.send", "chat_id": chat_id, "client_msg_id": cid,
                         "text": text})
        return await self.expect("message.ack", client_msg_id=cid)
