"""Real server processes for tests: settings, migration, `neuvo serve` subprocesses and staff
accounts.

Servers run as subprocesses (`neuvo serve`) against real SQLite files, PostgreSQL databases
and Redis, exactly as in production. The database is migrated and staff accounts are added
in this process, by the same code `neuvo db upgrade` and `neuvo staff add` call (a CLI
subprocess costs over a second of imports each time; tests/test_cli.py and the packaging
test run the commands themselves).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import httpx

ROOT = Path(__file__).resolve().parent.parent
NEUVO = [sys.executable, "-m", "server.cli"]
PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(db_url: str, **extra: str) -> dict[str, str]:
    """Settings for a test server. The bot is the deterministic minimal one unless a test asks
    for another (NEUVO_BOT=embedded): protocol and widget tests check delivery, order and
    handoff, not what the trained model answers (tests/bot/test_server_bot.py does that)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUVO_")}
    env.update({
        "NEUVO_DEV": "1", "NEUVO_DATABASE_URL": db_url, "NEUVO_SERVICE_HOURS": "always",
        "NEUVO_BOT": "minimal",
        "NEUVO_CHAT_CREATE_PER_MINUTE": "100000", "NEUVO_MESSAGES_PER_MINUTE": "100000",
        "NEUVO_FRAMES_PER_SECOND": "1000", "NEUVO_FRAME_BURST": "1000",
        "NEUVO_LOGIN_FAILURES_PER_15MIN": "1000", "NEUVO_STAFF_REVALIDATE_S": "1",
        "NEUVO_SWEEP_INTERVAL_S": "1", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], stdin: str = "",
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NEUVO, *args], env=env, input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, check=False)


@dataclass
class ServerProcess:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = None
    cwd: Path = ROOT
    _log: BinaryIO | None = None
    # Importing the server takes ~5 s of CPU; on a shared 2-CPU machine under load that was
    # over 20 s of wall time: a bound, not a wait.
    start_timeout_s: float = 90.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start and wait for /healthz; a server that does not come up is stopped again (no
        process or open log file is left behind)."""
        if self._log is not None:  # started again after the process exited on its own
            self._log.close()
        self._log = open(self.log_path, "ab") if self.log_path else None  # closed in stop()
        self.proc = subprocess.Popen([*NEUVO, "serve", "--port", str(self.port)], env=self.env,
                                     cwd=self.cwd, stdout=self._log or subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop(kill=True)
            raise

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"server did not start in {self.start_timeout_s:.0f} s: " + self.log_tail())

    def stop(self, kill: bool = False) -> None:
        try:
            self._stop_process(kill)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def _stop_process(self, kill: bool) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart(self, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()

    def log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-3000:]
        return ""


def in_thread(work: Any) -> Any:
    """Run `work()` in a worker thread: it may start its own event loop (asyncio.run) even
    when the caller is inside one (an async test)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def migrate(env: dict[str, str]) -> None:
    """What `neuvo db upgrade` does, for the database in `env`."""
    from server.config import to_async_url
    from server.store import migrate as migrations

    in_thread(lambda: migrations.upgrade(to_async_url(env["NEUVO_DATABASE_URL"])))


@contextlib.contextmanager
def start_server(tmp_path: Path, env: dict[str, str] | None = None,
                 db_url: str | None = None) -> Iterator[ServerProcess]:
    """A migrated server on a free port (SQLite in tmp_path unless db_url is given)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    full_env = base_env(db_url or f"sqlite:///{tmp_path / 'neuvo.db'}", **(env or {}))
    migrate(full_env)
    server = ServerProcess(env=full_env, log_path=tmp_path / f"server-{uuid.uuid4().hex[:6]}.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def create_staff(server: ServerProcess, username: str, password: str = PASSWORD,
                 role: str | list[str] = "staff", display_name: str = "Sosiaaliohjaaja",
                 languages: str = "fi,sv,en", capacity: int = 3, timeout: float = 60) -> str:
    """What `neuvo staff add` does, in the server's database. `timeout` is kept for callers
    on a busy machine (argon2 runs at low priority)."""
    from server.config import to_async_url
    from server.services import accounts
    from server.store.db import Database

    roles = sorted({role} if isinstance(role, str) else set(role))
    langs = [lang.strip() for lang in languages.split(",") if lang.strip()]

    async def add() -> None:
        db = Database(to_async_url(server.env["NEUVO_DATABASE_URL"]))
        try:
            await asyncio.wait_for(accounts.add_staff(
                db, username, password, roles, display_name, capacity, langs), timeout)
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(add()))
    return username
