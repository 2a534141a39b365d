"""One load-generator process: opens its share of resident/staff pairs, then runs open-loop
steps on command from the orchestrator (bench/loadgen.py) over a multiprocessing pipe.

Open loop: message k of a step is due at start + k / rate, whatever happened to earlier
messages; every latency is measured from that scheduled time (so a late sender counts
against the result instead of hiding it), on this process's monotonic clock, which is the
clock of both the resident that sends and the staff member that receives."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from dataclasses import dataclass
from typing import Any

from bench.load import setup
from bench.load.clients import Conn
from bench.load.stats import StepResult

FILLER = ("Hei, tarvitsisin apua vuokran maksamisen kanssa, kun tulot loppuivat tässä kuussa "
          "yllättäen ja lapset ovat kotona.")


def message_text(cid: str, size: int = 120) -> str:
    text = f"{cid} {FILLER * 3}"
    while len(text.encode()) > size:
        text = text[:-1]
    return text


@dataclass
class Pair:
    resident: Conn
    staff: int        # index into Worker.staff
    chat_id: str


class Worker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.wid: int = spec["worker"]
        self.pairs: list[Pair] = []
        self.staff: list[Conn] = []
        self.idle: list[Conn] = []
        self.idle_chats: list[tuple[str, str]] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.sent_at: dict[str, tuple[int, float]] = {}   # cid -> (pair index, scheduled)
        self.delivered: set[str] = set()
        self.acked: set[str] = set()
        self.pending: dict[str, float] = {}               # undelivered in this step
        self.unacked: set[str] = set()
        self.last_seq: dict[str, int] = {}
        self.cur = StepResult(0, 0)
        self.steps = 0
        self.step_start = 0.0
        self.progress = 0

    # --- set-up -----------------------------------------------------------------------------
    async def setup(self) -> dict[str, Any]:
        staff, pairs, info = await setup.open_pairs(self.spec)
        self.staff = staff
        self.pairs = [Pair(conn, s, chat_id) for conn, s, chat_id in pairs]
        for pair in self.pairs:
            self.tasks.append(asyncio.create_task(
                self.read(pair.resident, "resident", self.on_resident_frame)))
        for index, conn in enumerate(self.staff):
            self.tasks.append(asyncio.create_task(
                self.read(conn, "staff", functools.partial(self.on_staff_frame, index))))
        return info

    # --- readers ----------------------------------------------------------------------------
    def fault(self, code: str) -> None:
        self.cur.errors[code] = self.cur.errors.get(code, 0) + 1

    async def read(self, conn: Conn, side: str, handle: Any) -> None:
        """Every frame of one socket to `handle`; error frames and a closed socket are faults
        (never a silent stop)."""
        try:
            while True:
                frame = await conn.recv()
                if frame is None:
                    continue
                if frame.get("type") == "error":
                    self.fault(f"{side} error:{frame.get('code')}")
                else:
                    handle(frame)
        except Exception as exc:
            self.fault(f"{side} socket closed: {type(exc).__name__}")

    def on_resident_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "message.ack":
            self.on_ack(frame.get("client_msg_id", ""))

    def on_ack(self, cid: str) -> None:
        now = time.monotonic()
        if cid in self.acked:
            self.cur.duplicated += 1
            return
        sent = self.sent_at.get(cid)
        if sent is None:
            self.fault("ack for an unknown message")
            return
        self.acked.add(cid)
        self.unacked.discard(cid)
        self.cur.acked += 1
        self.cur.ack.append(now - sent[1])
        self.progress += 1

    def on_staff_frame(self, staff_index: int, frame: dict[str, Any]) -> None:
        if frame.get("type") == "message.created" and frame.get("author", "resident") == "resident":
            self.on_delivery(staff_index, frame)

    def on_delivery(self, staff_index: int, frame: dict[str, Any]) -> None:
        now = time.monotonic()
        cid = frame.get("client_msg_id") or str(frame.get("text", "")).split(" ", 1)[0]
        sent = self.sent_at.get(cid)
        if sent is None:
            self.cur.misrouted += 1
            return
        pair = self.pairs[sent[0]]
        if pair.staff != staff_index or frame.get("chat_id", pair.chat_id) != pair.chat_id:
            self.cur.misrouted += 1
            return
        if cid in self.delivered:
            self.cur.duplicated += 1
            return
        if cid not in self.pending:
            self.fault("delivered after its step was given up")
        self.delivered.add(cid)
        self.pending.pop(cid, None)
        seq = frame.get("seq")
        if isinstance(seq, int):
            if seq <= self.last_seq.get(pair.chat_id, -1):
                self.cur.out_of_order += 1
            self.last_seq[pair.chat_id] = seq
        self.cur.delivered += 1
        self.cur.e2e.append(now - sent[1])
        self.cur.deliver_elapsed_s = now - self.step_start
        self.progress += 1

    # --- one open-loop step -----------------------------------------------------------------
    async def step(self, rate: float, duration: float, start_at: float,
                   overload_s: float, stall_s: float, drain_cap_s: float) -> StepResult:
        self.steps += 1
        self.cur = res = StepResult(rate, duration, strict_order=self.spec["kind"] == "neuvo")
        self.pending, self.unacked = {}, set()
        total, n = int(rate * duration), len(self.pairs)
        self.step_start = start_at
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        k = 0
        while k < total:
            now = time.monotonic()
            due = min(total, int((now - start_at) * rate) + 1)
            while k < due:
                scheduled = start_at + k / rate
                cid = f"m{self.wid:02d}s{self.steps:03d}n{k:08d}"
                pair_index = k % n
                self.sent_at[cid] = (pair_index, scheduled)
                self.pending[cid] = scheduled
                self.unacked.add(cid)
                res.lag.append(time.monotonic() - scheduled)
                await self.pairs[pair_index].resident.send(
                    {"type": "message.send", "client_msg_id": cid, "text": message_text(cid)})
                k += 1
            res.sent = k
            oldest = next(iter(self.pending.values()), None)
            if oldest is not None and time.monotonic() - oldest > overload_s:
                res.overloaded = True
                break
            await asyncio.sleep(max(0.0, start_at + k / rate - time.monotonic()))
        res.sent = k
        res.send_elapsed_s = max(time.monotonic() - start_at, 1e-9)
        await self.drain(stall_s, drain_cap_s)
        res.lost, res.unacked = len(self.pending), len(self.unacked)
        return res

    async def drain(self, stall_s: float, cap_s: float) -> None:
        """Wait until every message is delivered and acked, or nothing moved for stall_s."""
        started = last_move = time.monotonic()
        seen = self.progress
        while (self.pending or self.unacked) and time.monotonic() - started < cap_s:
            await asyncio.sleep(0.01)
            if self.progress != seen:
                seen, last_move = self.progress, time.monotonic()
            elif time.monotonic() - last_move > stall_s:
                break

    # --- idle connections (memory per connection) --------------------------------------------
    async def idle_create(self, count: int) -> dict[str, Any]:
        started = time.monotonic()
        self.idle_chats = await setup.create_idle_chats(self.spec, count)
        return {"created": count, "create_s": time.monotonic() - started}

    async def idle_connect(self, count: int) -> dict[str, Any]:
        started = time.monotonic()
        self.idle = await setup.open_idle(self.spec, count, self.idle_chats)
        for conn in self.idle:
            self.tasks.append(asyncio.create_task(self.read_idle(conn)))
        return {"connected": len(self.idle), "connect_s": time.monotonic() - started}

    async def read_idle(self, conn: Conn) -> None:
        with contextlib.suppress(Exception):
            while True:
                await conn.recv()

    async def idle_close(self) -> dict[str, Any]:
        await asyncio.gather(*(c.close() for c in self.idle), return_exceptions=True)
        self.idle = []
        return {}

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        conns = [p.resident for p in self.pairs] + self.staff + self.idle
        await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)


async def serve(pipe: Any, spec: dict[str, Any]) -> None:
    worker = Worker(spec)
    try:
        while True:
            command, args = await asyncio.to_thread(pipe.recv)
            if command == "stop":
                break
            try:
                result = await getattr(worker, command)(**args)
                pipe.send(("ok", result))
            except Exception as exc:
                pipe.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        await worker.close()


def main(pipe: Any, spec: dict[str, Any]) -> None:
    """Entry point of the worker process (multiprocessing, spawn)."""
    from bench.load.limits import raise_open_files

    raise_open_files()
    asyncio.run(serve(pipe, spec))
