"""Protocol clients that behave like the widget and the console: over TLS through the proxy,
they reconnect with jitter when the socket closes, resume from the last seq and resend every
message that has no ack yet (same client_msg_id). They record every frame for the checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import ssl
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import websockets


class Reconnecting:
    def __init__(self, ws_url: str, context: ssl.SSLContext, origin: str,
                 headers: dict[str, str] | None = None) -> None:
        self.ws_url, self.context, self.origin = ws_url, context, origin
        self.headers = headers or {}
        self.ws: Any = None
        self.outbox: dict[str, dict[str, Any]] = {}  # client_msg_id -> frame, until acked
        self.acked: dict[str, int] = {}
        self.connections: list[list[dict[str, Any]]] = []  # frames, per connection
        self.close_codes: list[int | None] = []
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    # --- hooks ------------------------------------------------------------------------
    async def on_open(self) -> None:
        """Send what the protocol needs first; return once the socket is usable."""

    def is_ready_frame(self, frame: dict[str, Any]) -> bool:
        return True

    # --- running ----------------------------------------------------------------------
    async def start(self, timeout: float = 10) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.ready.wait(), timeout)

    async def _connect(self) -> None:
        self.ws = await websockets.connect(self.ws_url, ssl=self.context, origin=self.origin,  # type: ignore[arg-type]
                                           additional_headers=self.headers, open_timeout=5)
        self.connections.append([])
        await self.on_open()

    async def _run(self) -> None:
        while not self._stopped:
            try:
                async for raw in self.ws:
                    self._receive(json.loads(raw))
            except websockets.ConnectionClosed:
                pass
            self.ready.clear()
            self.close_codes.append(self.ws.close_code)
            if self._stopped:
                return
            for attempt in range(40):  # reconnect with jitter, as the widget does
                await asyncio.sleep(random.uniform(0.1, 0.4) * min(4, attempt + 1))
                with contextlib.suppress(OSError, websockets.InvalidHandshake, TimeoutError):
                    await self._connect()
                    break
            else:
                raise RuntimeError("could not reconnect through the proxy")

    def _receive(self, frame: dict[str, Any]) -> None:
        self.connections[-1].append(frame)
        if frame["type"] == "message.ack":
            self.outbox.pop(frame["client_msg_id"], None)
            self.acked[frame["client_msg_id"]] = frame["seq"]
        if self.is_ready_frame(frame):
            self.ready.set()
            for pending in list(self.outbox.values()):  # resend what has no ack yet
                asyncio.get_running_loop().create_task(self._send(pending))

    async def _send(self, frame: dict[str, Any]) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.ws.send(json.dumps(frame))

    async def send_message(self, text: str, **fields: Any) -> str:
        cid = str(uuid.uuid4())
        frame = {"type": "message.send", "client_msg_id": cid, "text": text, **fields}
        self.outbox[cid] = frame
        if self.ready.is_set():
            await self._send(frame)
        return cid

    async def control(self, frame: dict[str, Any]) -> None:
        await self.ready.wait()
        await self._send(frame)

    def frames(self, type_: str) -> list[dict[str, Any]]:
        return [f for conn in self.connections for f in conn if f["type"] == type_]

    async def wait_for(self, check: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout} s")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self._stopped = True
        if self.ws is not None:
            await self.ws.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await asyncio.wait_for(self._task, 5)


class ProxyResident(Reconnecting):
    def __init__(self, ws_base: str, context: ssl.SSLContext, origin: str, chat: dict[str, Any]) -> None:
        super().__init__(ws_base + "/ws/v1/resident", context, origin)
        self.chat_id, self.token = chat["chat_id"], chat["resident_token"]

    @property
    def last_seq(self) -> int:
        return max((f["seq"] for f in self.frames("message.created")), default=0)

    async def on_open(self) -> None:
        await self.ws.send(json.dumps({"type": "hello", "chat_id": self.chat_id,
                                       "token": self.token, "last_seq": self.last_seq}))

    def is_ready_frame(self, frame: dict[str, Any]) -> bool:
        return bool(frame["type"] == "welcome")


class ProxyStaff(Reconnecting):
    def is_ready_frame(self, frame: dict[str, Any]) -> bool:
        return bool(frame["type"] == "presence.updated")  # the end of the re-send on connect

    def seqs_on(self, connection: list[dict[str, Any]], chat_id: str) -> list[int]:
        seqs: list[int] = []
        for frame in connection:
            if frame["type"] == "chat.assigned" and frame["chat_id"] == chat_id:
                seqs += [m["seq"] for m in frame["transcript"]]
            elif frame["type"] == "message.created" and frame.get("chat_id") == chat_id:
                seqs.append(frame["seq"])
        return seqs


async def login(http: httpx.AsyncClient, username: str, password: str) -> str:
    response = await http.post("/api/v1/staff/login",
                               json={"username": username, "password": password})
    response.raise_for_status()
    return str(response.cookies["neuvo_session"])


