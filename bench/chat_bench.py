"""Message-path benchmark: many concurrent chats through a real server process.

Starts `neuvo serve` (SQLite + in-process bus, or PostgreSQL + Redis), opens N resident
chats, hands them all to staff over the protocol, then every resident sends M messages one
after another (waiting for each ack) while the staff sockets receive them. Prints:
chat creation rate, send→ack latency, resident→staff delivery latency, message throughput.

    .venv/bin/python bench/chat_bench.py [--backend sqlite|postgres-redis] [--chats 50] [--messages 20]

The client runs on the same machine as the server, so the figures include its CPU use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.processes import ServerProcess, base_env, create_staff, migrate

PG_URL = os.environ.get("NEUVO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("NEUVO_TEST_REDIS_URL", "redis://127.0.0.1:6379")
CAPACITY = 50


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    return (f"p50 {percentile(values, 50) * 1000:.1f} ms, p95 {percentile(values, 95) * 1000:.1f} ms, "
            f"p99 {percentile(values, 99) * 1000:.1f} ms")


async def fresh_pg_database() -> str:
    import asyncpg

    name = f"neuvo_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


async def drop_pg_database(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def recv_json(ws: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(await ws.recv())
    return data


async def wait_for(ws: Any, type_: str, **match: Any) -> dict[str, Any]:
    while True:
        frame = await recv_json(ws)
        if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
            return frame


async def open_resident(http: httpx.AsyncClient, server: ServerProcess) -> tuple[Any, str]:
    response = await http.post("/api/v1/chats", json={"lang": "fi"})
    response.raise_for_status()
    body = response.json()
    ws = await websockets.connect(server.ws_base + "/ws/v1/resident", max_queue=None)
    await ws.send(json.dumps({"type": "hello", "chat_id": body["chat_id"],
                              "token": body["resident_token"]}))
    await wait_for(ws, "welcome")
    return ws, body["chat_id"]


async def open_staff(server: ServerProcess, username: str) -> Any:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/api/v1/staff/login",
                                json={"username": username, "password": "bench-password-1"})
        login.raise_for_status()
    ws = await websockets.connect(
        server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"neuvo_session={login.cookies['neuvo_session']}"},
        max_queue=None)
    await wait_for(ws, "queue.snapshot")
    return ws


async def run(server: ServerProcess, chats: int, messages: int) -> dict[str, Any]:
    staff_names = [f"bench{i}" for i in range(math.ceil(chats / CAPACITY))]
    for name in staff_names:
        create_staff(server, name, password="bench-password-1", capacity=CAPACITY)
    staff = [await open_staff(server, name) for name in staff_names]

    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        started = time.perf_counter()
        residents = await asyncio.gather(*(open_resident(http, server) for _ in range(chats)))
        create_s = time.perf_counter() - started

    for i, (ws, chat_id) in enumerate(residents):
        await ws.send(json.dumps({"type": "handoff.request"}))
        await wait_for(ws, "chat.state", state="queued")
        owner = staff[i // CAPACITY]
        await owner.send(json.dumps({"type": "chat.accept", "chat_id": chat_id}))
        await wait_for(owner, "chat.assigned", chat_id=chat_id)
        await wait_for(ws, "chat.state", state="active")

    sent_at: dict[str, float] = {}
    acks: list[float] = []
    deliveries: list[float] = []
    expected = chats * messages
    done = asyncio.Event()

    async def staff_reader(ws: Any) -> None:
        while len(deliveries) < expected:
            frame = await recv_json(ws)
            if frame["type"] == "message.created" and frame["author"] == "resident":
                key = frame["text"].split(" ", 1)[0]
                if key in sent_at:
                    deliveries.append(time.perf_counter() - sent_at.pop(key))
        done.set()

    async def resident_writer(ws: Any) -> None:
        for _ in range(messages):
            key = uuid.uuid4().hex
            t0 = time.perf_counter()
            sent_at[key] = t0
            await ws.send(json.dumps({"type": "message.send", "client_msg_id": key,
                                      "text": f"{key} Hei, tarvitsisin apua vuokran kanssa."}))
            await wait_for(ws, "message.ack", client_msg_id=key)
            acks.append(time.perf_counter() - t0)

    readers = [asyncio.create_task(staff_reader(ws)) for ws in staff]
    started = time.perf_counter()
    await asyncio.gather(*(resident_writer(ws) for ws, _ in residents))
    try:
        await asyncio.wait_for(done.wait(), 60)
    except TimeoutError:
        pass
    elapsed = time.perf_counter() - started
    for task in readers:
        task.cancel()
    for ws in [*staff, *(ws for ws, _ in residents)]:
        await ws.close()
    return {"chats": chats, "messages": expected, "create_s": create_s, "acks": acks,
            "deliveries": deliveries, "elapsed_s": elapsed}


def report(backend: str, result: dict[str, Any]) -> None:
    lost = result["messages"] - len(result["deliveries"])
    print(f"\n## {backend}: {result['chats']} chats × {result['messages'] // result['chats']} messages")
    print(f"- chat creation: {result['chats'] / result['create_s']:.0f} chats/s "
          f"({result['chats']} concurrent POST + hello)")
    print(f"- send → ack: {ms(result['acks'])}")
    print(f"- resident → staff delivery: {ms(result['deliveries'])}")
    print(f"- throughput: {result['messages'] / result['elapsed_s']:.0f} messages/s; "
          f"not delivered: {lost}")
    print(f"- mean ack {statistics.mean(result['acks']) * 1000:.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres-redis", "both"], default="both")
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    if not 1 <= args.chats <= 500 or not 1 <= args.messages <= 1000:
        parser.error("--chats must be 1–500 and --messages 1–1000")
    print(f"# Neuvo message path ({platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()})")
    backends = ["sqlite", "postgres-redis"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            pg_url = await fresh_pg_database() if backend == "postgres-redis" else None
            extra = {"NEUVO_BOT": "minimal", "NEUVO_SEND_QUEUE_SIZE": "4096"}
            if pg_url:
                extra["NEUVO_REDIS_URL"] = REDIS_URL
            env = base_env(pg_url or f"sqlite:///{tmp}/bench.db", **extra)
            migrate(env)
            server = ServerProcess(env=env, log_path=Path(tmp) / "server.log")
            server.start()
            try:
                report(backend, await run(server, args.chats, args.messages))
            finally:
                server.stop()
                if pg_url:
                    await drop_pg_database(pg_url)


if __name__ == "__main__":
    asyncio.run(main())
