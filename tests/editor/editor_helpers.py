"""Helpers for the content editor tests: a logged-in API client and a polling wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.clients import Resident
from tests.processes import PASSWORD, ServerProcess

EMBEDDED = {"NEUVO_BOT": "embedded"}
# Publishing trains the new content (seconds; more on a busy machine).
TIMEOUT = httpx.Timeout(180.0)


class Api:
    def __init__(self, http: httpx.AsyncClient, csrf: str) -> None:
        self.http, self.csrf = http, csrf

    async def call(self, method: str, path: str, json: Any = None, *, csrf: bool = True,
                   **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        headers.update(kwargs.pop("headers", {}))
        return await self.http.request(method, path, json=json, headers=headers, **kwargs)

    async def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        response = await self.call(method, path, json)
        assert response.status_code == status, response.text
        return response.json()


@asynccontextmanager
async def api(server: ServerProcess, username: str) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=TIMEOUT) as http:
        response = await http.post("/api/v1/staff/login",
                                   json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        yield Api(http, response.json()["csrf_token"])


async def wait_live(a: Api, version: int, timeout_s: float = 120.0) -> float:
    """Wait until the process behind `a` answers from `version`; returns the seconds waited."""
    started = time.monotonic()
    while True:
        live = await a.ok("GET", "/api/v1/editor/live")
        if live["live_here"] == version:
            return time.monotonic() - started
        assert time.monotonic() - started < timeout_s, live
        await asyncio.sleep(0.1)


async def bot_answer(server: ServerProcess, text: str, lang: str = "fi") -> str:
    """A new resident says `text`; the bot's first reply to it."""
    resident = await Resident.start(server, lang)
    try:
        ack = await resident.say(text)
        reply = await resident.expect("message.created", seq=ack["seq"] + 1, timeout=20)
        assert reply["author"] == "bot", reply
        return str(reply["text"])
    finally:
        await resident.close()
