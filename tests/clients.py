"""Protocol v1 test clients: a resident and a staff member over real WebSockets, waiting for
known frames (never for a fixed time before an exact assertion)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

import httpx
import websockets

from tests.processes import PASSWORD, ServerProcess


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def msg_id() -> str:
    return str(uuid.uuid4())


class Client:
    """A protocol client: frames in order, with helpers to wait for a frame type."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.buffer: list[dict[str, Any]] = []

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

    async def quiet(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within `seconds` (buffered ones included)."""
        frames, self.buffer = self.buffer, []
        with contextlib.suppress(TimeoutError):
            while True:
                frames.append(json.loads(await asyncio.wait_for(self.ws.recv(), seconds)))
        return frames

    async def close(self) -> None:
        await self.ws.close()


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
