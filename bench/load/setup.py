"""Opening a worker's pairs: Neuvo (chats created, handed off and accepted over protocol v1)
or a baseline relay (hello with the chat ids). Residents go to `resident_url`, staff to
`staff_url` (the same server except in the two-process scenarios)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from bench.load.clients import Conn, neuvo_create_chat, neuvo_hello, neuvo_staff, relay_open

T = TypeVar("T")


async def bounded(count: int, limit: int, make: Callable[[int], Awaitable[T]]) -> list[T]:
    """make(0..count-1) with at most `limit` running at once, results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(i: int) -> T:
        async with gate:
            return await make(i)

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def open_pairs(spec: dict[str, Any]) -> tuple[list[Conn], list[tuple[Conn, int, str]],
                                                    dict[str, Any]]:
    """Returns the staff sockets, (resident socket, staff index, chat id) per pair, and the
    chat-creation figures."""
    if spec["kind"] == "neuvo":
        return await _neuvo_pairs(spec)
    return await _relay_pairs(spec)


async def _neuvo_pairs(spec: dict[str, Any]) -> tuple[list[Conn], list[tuple[Conn, int, str]],
                                                      dict[str, Any]]:
    names: list[str] = spec["staff"]
    per_staff: list[int] = spec["per_staff"]
    staff = [await neuvo_staff(spec["staff_url"], name, spec["password"]) for name in names]
    total = sum(per_staff)
    limit = spec.get("concurrency", 50)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=limit)) as http:
        started = time.monotonic()
        chats = await bounded(total, limit, lambda _: neuvo_create_chat(http, spec["resident_url"]))
        create_s = time.monotonic() - started
    started = time.monotonic()
    residents = await bounded(total, limit,
                              lambda i: neuvo_hello(spec["resident_url"], *chats[i]))
    hello_s = time.monotonic() - started
    owners = [s for s, count in enumerate(per_staff) for _ in range(count)]

    async def hand_over(s: int) -> None:
        for i in (i for i, owner in enumerate(owners) if owner == s):
            await residents[i].send({"type": "handoff.request"})
            await residents[i].expect("chat.state", state="queued")
            await staff[s].send({"type": "chat.accept", "chat_id": chats[i][0]})
            await staff[s].expect("chat.assigned", chat_id=chats[i][0])
            await residents[i].expect("chat.state", state="active")

    started = time.monotonic()
    await asyncio.gather(*(hand_over(s) for s in range(len(staff))))
    pairs = [(residents[i], owners[i], chats[i][0]) for i in range(total)]
    return staff, pairs, {"chats": total, "create_s": create_s, "hello_s": hello_s,
                          "handover_s": time.monotonic() - started}


async def _relay_pairs(spec: dict[str, Any]) -> tuple[list[Conn], list[tuple[Conn, int, str]],
                                                      dict[str, Any]]:
    per_staff: list[int] = spec["per_staff"]
    owners = [s for s, count in enumerate(per_staff) for _ in range(count)]
    chat_ids = [f"w{spec['worker']}c{i}" for i in range(len(owners))]
    staff = [await relay_open(spec["kind"], spec["staff_url"],
                              {"role": "staff",
                               "chats": [c for c, o in zip(chat_ids, owners, strict=True) if o == s]})
             for s in range(len(per_staff))]
    started = time.monotonic()
    residents = await bounded(len(owners), spec.get("concurrency", 50), lambda i: relay_open(
        spec["kind"], spec["resident_url"], {"role": "resident", "chat_id": chat_ids[i]}))
    pairs = [(residents[i], owners[i], chat_ids[i]) for i in range(len(owners))]
    return staff, pairs, {"chats": len(owners), "hello_s": time.monotonic() - started}


async def create_idle_chats(spec: dict[str, Any], count: int) -> list[tuple[str, str]]:
    if spec["kind"] != "neuvo":
        return [(f"idle{spec['worker']}-{i}", "") for i in range(count)]
    limit = spec.get("concurrency", 50)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=limit)) as http:
        return await bounded(count, limit, lambda _: neuvo_create_chat(http, spec["resident_url"]))


async def open_idle(spec: dict[str, Any], count: int, chats: list[tuple[str, str]]) -> list[Conn]:
    limit = spec.get("concurrency", 50)
    if spec["kind"] == "neuvo":
        return await bounded(count, limit, lambda i: neuvo_hello(spec["resident_url"], *chats[i]))
    return await bounded(count, limit, lambda i: relay_open(
        spec["kind"], spec["resident_url"], {"role": "resident", "chat_id": chats[i][0]}))
