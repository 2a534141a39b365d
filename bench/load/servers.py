"""The servers under load, each in its own process(es): Neuvo in three set-ups and the three
baselines. A scenario yields where residents and staff connect and which pids to measure."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.processes import ROOT, ServerProcess, base_env, create_staff, free_port, migrate

PG_URL = os.environ.get("NEUVO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("NEUVO_BENCH_REDIS_URL") or (
    os.environ.get("NEUVO_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/") + "/2")
STAFF_PASSWORD = "bench-password-1"
BASELINES = ROOT / "bench" / "baselines"

SCENARIOS = {
    "neuvo-sqlite": "Neuvo, 1 process, SQLite (embedded default)",
    "neuvo-postgres": "Neuvo, 1 process, PostgreSQL",
    "neuvo-2proc": "Neuvo, 2 processes, Redis + PostgreSQL (residents on A, staff on B)",
    "ws-relay": "baseline: bare websockets relay, 1 process, no persistence",
    "starlette-relay": "baseline: Starlette relay (uvicorn), 1 process, no persistence",
    "socketio-redis": "baseline: python-socketio + Redis manager, 2 processes, no persistence",
}


@dataclass
class Target:
    name: str
    kind: str                      # neuvo | relay | socketio
    resident_url: str
    staff_url: str
    pids: list[int]                # every server process (CPU is summed over them)
    resident_pid: int              # the process that holds the residents (memory)
    staff: list[str] = field(default_factory=list)


def neuvo_env(db_url: str, redis_url: str | None, bot: str) -> dict[str, str]:
    """Rate limits raised far above the offered load, so they are not what is measured."""
    extra = {"NEUVO_BOT": bot, "NEUVO_SEND_QUEUE_SIZE": "65536",
             "NEUVO_CHAT_CREATE_PER_MINUTE": "100000000", "NEUVO_MESSAGES_PER_MINUTE": "100000000",
             "NEUVO_FRAMES_PER_SECOND": "100000", "NEUVO_FRAME_BURST": "100000",
             "NEUVO_HELLO_TIMEOUT_S": "120", "NEUVO_STAFF_REVALIDATE_S": "5",
             "NEUVO_SWEEP_INTERVAL_S": "5"}
    if redis_url:
        extra["NEUVO_REDIS_URL"] = redis_url
    return base_env(db_url, **extra)


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


@contextlib.contextmanager
def postgres_db() -> Iterator[str]:
    name = f"neuvo_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def neuvo(name: str, tmp: Path, staff_count: int, bot: str) -> Iterator[Target]:
    with contextlib.ExitStack() as stack:
        if name == "neuvo-sqlite":
            db_url, redis_url = f"sqlite:///{tmp}/bench.db", None
        else:
            db_url = stack.enter_context(postgres_db())
            redis_url = REDIS_URL if name == "neuvo-2proc" else None
            if redis_url:
                flush_redis()
        env = neuvo_env(db_url, redis_url, bot)
        migrate(env)
        # On a loaded machine the imports alone can take half a minute.
        servers = [ServerProcess(env=env, log_path=tmp / f"server-{i}.log", start_timeout_s=120)
                   for i in range(2 if name == "neuvo-2proc" else 1)]
        for server in servers:
            stack.callback(server.stop)
            server.start()
        names = [f"bench{i:03d}" for i in range(staff_count)]
        with ThreadPoolExecutor(4) as pool:
            # argon2 runs at the lowest CPU priority: on a busy machine it waits for idle time.
            list(pool.map(lambda n: create_staff(servers[-1], n, password=STAFF_PASSWORD,
                                                 capacity=50, timeout=600), names))
        pids = [s.proc.pid for s in servers if s.proc]
        yield Target(name, "neuvo", servers[0].base_url, servers[-1].base_url, pids, pids[0], names)


class Script:
    """A baseline server script in its own process."""

    def __init__(self, script: str, log: Path, *args: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._out = log.open("ab")  # closed in stop()
        self.proc = subprocess.Popen([sys.executable, str(BASELINES / script), "--port",
                                      str(self.port), *args], cwd=ROOT,
                                     stdout=self._out, stderr=subprocess.STDOUT)
        self.log = log

    def wait_listening(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"baseline exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(self.base_url + "/", timeout=1)
                return
            time.sleep(0.1)
        raise RuntimeError(f"baseline did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        try:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            self._out.close()


@contextlib.contextmanager
def baseline(name: str, tmp: Path) -> Iterator[Target]:
    with contextlib.ExitStack() as stack:
        if name == "socketio-redis":
            flush_redis()
            scripts = [Script("socketio_relay.py", tmp / f"sio-{i}.log", "--redis", REDIS_URL)
                       for i in range(2)]
            kind = "socketio"
        else:
            relay = "ws_relay.py" if name == "ws-relay" else "starlette_relay.py"
            scripts, kind = [Script(relay, tmp / "relay.log")], "relay"
        for started in scripts:
            stack.callback(started.stop)
        for started in scripts:
            started.wait_listening()
        pids = [s.proc.pid for s in scripts]
        yield Target(name, kind, scripts[0].base_url, scripts[-1].base_url, pids, pids[0])


@contextlib.contextmanager
def scenario(name: str, tmp: Path, staff_count: int, bot: str = "minimal") -> Iterator[Target]:
    if name.startswith("neuvo"):
        with neuvo(name, tmp, staff_count, bot) as target:
            yield target
    else:
        with baseline(name, tmp) as target:
            yield target


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def settled_rss(pid: int, timeout_s: float = 15.0) -> int:
    """RSS once it has stopped moving (two readings 0.5 s apart within 0.5 %)."""
    deadline = time.monotonic() + timeout_s
    last = rss_bytes(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = rss_bytes(pid)
        if abs(now - last) <= 0.005 * last:
            return now
        last = now
    return last
