"""The database or the bot going away (issue 9, item 19): HTTP answers 503 with the documented
JSON body, sockets answer `unavailable`, both logged as warnings; chat creation never waits
for a slow bot."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.backends import POSTGRES_URL, drop_postgres_db, fresh_postgres_db
from tests.clients import Resident, msg_id
from tests.processes import PASSWORD, ServerProcess, create_staff, free_port, start_server


class TcpProxy:
    """A TCP forwarder in front of PostgreSQL that the test can cut and restore."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones (the database is 'down')."""
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            for each in (writer, up_writer):
                each.close()
                self.writers.discard(each)


@contextlib.asynccontextmanager
async def proxied_database() -> AsyncIterator[tuple[TcpProxy, str]]:
    _, name = await asyncio.to_thread(fresh_postgres_db)
    target = urlsplit(POSTGRES_URL)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    user = f"{target.username}@" if target.username else ""
    try:
        yield proxy, f"postgresql://{user}127.0.0.1:{proxy.port}/{name}"
    finally:
        with contextlib.suppress(Exception):
            await proxy.cut()
        await asyncio.to_thread(drop_postgres_db, name)


@contextlib.asynccontextmanager
async def server_off_loop(tmp_path: Path, env: dict[str, str] | None = None,
                          db_url: str | None = None) -> AsyncIterator[ServerProcess]:
    """start_server without blocking this event loop (the proxy runs on it)."""
    manager = start_server(tmp_path, env, db_url=db_url)
    server = await asyncio.to_thread(manager.__enter__)
    try:
        yield server
    finally:
        await asyncio.to_thread(manager.__exit__, None, None, None)


async def test_database_down_is_503_and_unavailable_not_500(tmp_path: Path) -> None:
    async with proxied_database() as (proxy, db_url):
        async with server_off_loop(tmp_path, db_url=db_url) as server:
            username = await asyncio.to_thread(create_staff, server, "outage-staff")
            resident = await Resident.start(server)
            await resident.settle()  # the welcome's replay from the database has been sent
            await proxy.cut()
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
                responses = [
                    await http.post("/api/v1/chats", json={"lang": "fi"}),
                    await http.post("/api/v1/staff/login",
                                    json={"username": username, "password": PASSWORD}),
                ]
                ready = await http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            assert ready.json()["checks"]["database"].startswith("unavailable")
            for response in responses:
                assert response.status_code == 503, (response.request.url, response.text)
                body = response.json()
                assert body["error"] == "unavailable" and body["message"]
            cid = msg_id()
            await resident.send({"type": "message.send", "client_msg_id": cid, "text": "hei"})
            assert (await resident.expect("error", client_msg_id=cid, timeout=30))[
                "code"] == "unavailable"
            await resident.close()
            assert server.log_path is not None
            log = server.log_path.read_text()
            assert '"level": "error"' not in log and "Traceback" not in log
            assert "database unreachable" in log
            assert "hei" not in log.split("database unreachable", 1)[1]


async def test_slow_bot_never_blocks_chat_creation(tmp_path: Path) -> None:
    held: list[asyncio.StreamWriter] = []  # accepted, never answered, closed at the end
    silent = await asyncio.start_server(lambda r, w: held.append(w), "127.0.0.1", free_port())
    port = silent.sockets[0].getsockname()[1]
    env = {"NEUVO_BOT": "rasa", "NEUVO_RASA_URL": f"http://127.0.0.1:{port}",
           "NEUVO_RASA_TIMEOUT": "60", "NEUVO_BOT_TIMEOUT_S": "30"}
    try:
        async with server_off_loop(tmp_path, env) as server:
            started = time.perf_counter()
            resident = await Resident.start(server)
            took = time.perf_counter() - started
            greeting = await resident.expect("message.created", seq=1)
            assert greeting["author"] == "bot" and greeting["buttons"]
            assert took < 5, f"chat creation took {took:.1f} s behind a silent bot"
            await resident.close()
    finally:
        for writer in held:
            writer.close()
        silent.close()
        await silent.wait_closed()
