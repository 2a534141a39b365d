"""Chats during an evaluation and a publish: message latency of active chats while the
content editor's "train and evaluate" cross-validates the draft and the published version,
and while a publish trains new content, in the same server process; and the time until the
process answers from the new version.

    .venv/bin/python bench/editor_publish_bench.py [--chats 50] [--seconds 10]

One server process (SQLite, embedded bot). Each resident sends a message every second and
records send → ack (the server stored it) and send → the bot's reply. Phases: before, while
an evaluation runs (child process, nice 19), while the publish trains (the publish call is
running), after. The published content gets
one unique example, so it is never in the model cache and really trains.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clients import Resident
from tests.processes import PASSWORD, ServerProcess, base_env, create_staff, migrate

samples: list[tuple[float, float, float]] = []  # (sent at, ack latency, reply latency)


async def chat(server: ServerProcess, stop: asyncio.Event) -> None:
    resident = await Resident.start(server, "fi")
    await resident.expect("message.created", author="bot", timeout=120)  # the greeting
    while not stop.is_set():
        sent = time.monotonic()
        cid = uuid.uuid4().hex
        await resident.send({"type": "message.send", "client_msg_id": cid,
                             "text": "Miten haen toimeentulotukea?"})
        ack = await resident.expect("message.ack", client_msg_id=cid, timeout=120)
        acked = time.monotonic()
        await resident.expect("message.created", seq=ack["seq"] + 1, timeout=120)
        samples.append((sent, acked - sent, time.monotonic() - sent))
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - sent)))
    await resident.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def run(chats: int, seconds: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="neuvo-editor-bench-"))
    env = base_env(f"sqlite:///{tmp / 'neuvo.db'}", NEUVO_BOT="embedded")
    migrate(env)
    server = ServerProcess(env=env, log_path=tmp / "server.log")
    server.start()
    try:
        editor = create_staff(server, "bench-editor", role="editor")
        async with httpx.AsyncClient(base_url=server.base_url, timeout=600) as http:
            login = await http.post("/api/v1/staff/login", json={"username": editor, "password": PASSWORD})
            headers = {"X-CSRF-Token": login.json()["csrf_token"]}
            stop = asyncio.Event()
            tasks = [asyncio.create_task(chat(server, stop)) for _ in range(chats)]
            await asyncio.sleep(seconds)
            eval_started = time.monotonic()
            run_id = (await http.post("/api/v1/editor/evaluations", headers=headers)).json()["id"]
            for _ in range(7200):  # polling the server's state: at most an hour
                run = (await http.get(f"/api/v1/editor/evaluations/{run_id}")).json()
                if run["state"] != "running":
                    break
                await asyncio.sleep(0.5)
            eval_ended = time.monotonic()
            view = (await http.get("/api/v1/editor/intents/food_aid")).json()
            examples = [*view["examples"]["fi"], f"ruoka-apua {uuid.uuid4().hex[:8]}"]
            saved = await http.put("/api/v1/editor/intents/food_aid", headers=headers,
                                   json={"revision": view["revision"], "examples": {"fi": examples}})
            saved.raise_for_status()
            started = time.monotonic()
            published = await http.post("/api/v1/editor/publish", headers=headers, json={"note": "bench"})
            ended = time.monotonic()
            published.raise_for_status()
            version = published.json()["version"]
            for _ in range(6000):
                if (await http.get("/api/v1/editor/live")).json()["live_here"] == version:
                    break
                await asyncio.sleep(0.05)
            live = time.monotonic()
            await asyncio.sleep(seconds)
            stop.set()
            await asyncio.gather(*tasks)
    finally:
        server.stop()
    phases = {"before": [s for s in samples if s[0] < eval_started],
              "while evaluating": [s for s in samples if eval_started <= s[0] < eval_ended],
              "while training": [s for s in samples if started <= s[0] < ended],
              "after": [s for s in samples if s[0] >= live]}
    print(f"evaluation (cross-validation of the draft and the published version) "
          f"{eval_ended - eval_started:.0f} s")
    print(f"{chats} chats, a message per chat per second; publish with training "
          f"{ended - started:.1f} s, live {(live - ended) * 1000:.0f} ms after it returned")
    print("| phase | messages | ack p50 (ms) | ack p99 (ms) | ack max (ms) | bot reply p50 (ms) "
          "| bot reply p99 (ms) |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in phases.items():
        if not rows:
            continue
        acks, replies = [r[1] for r in rows], [r[2] for r in rows]
        print(f"| {name} | {len(rows)} | {statistics.median(acks) * 1000:.0f} | {pct(acks, 99):.0f} "
              f"| {max(acks) * 1000:.0f} "
              f"| {statistics.median(replies) * 1000:.0f} | {pct(replies, 99):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(run(args.chats, args.seconds))


if __name__ == "__main__":
    main()
