"""The production topology on this machine: Debian's nginx with the product's config over TLS
(certificate made now) in front of two `neuvo serve` processes on a private Redis and a fresh
PostgreSQL database. A resident and a staff member chat through the proxy; the process
holding both sockets gets SIGTERM mid-chat; both reconnect through the proxy to the other
process; every acknowledged message arrives once, in seq order, on both sides. A slowloris
connection to the proxy is closed within the proxy's header timeout."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.backends import drop_postgres_db, fresh_postgres_db
from tests.deploy.clients import ProxyResident, ProxyStaff, login
from tests.deploy.proxy import Nginx, client_context
from tests.private_redis import PrivateRedis
from tests.processes import PASSWORD, ServerProcess, base_env, create_staff, migrate
from tests.waiting import eventually

pytestmark = pytest.mark.timeout(180)
HEADER_TIMEOUT_S = 10  # client_header_timeout in deploy/nginx/neuvo.conf
COUNTY_SITE = "https://www.county.example"


@dataclass
class Topology:
    servers: list[ServerProcess]
    nginx: Nginx
    context: ssl.SSLContext


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    """One topology for the module (starting processes is slow on a busy machine); the
    slowloris test runs first as it needs only the proxy."""
    tmp_path = tmp_path_factory.mktemp("topology")
    redis = PrivateRedis(tmp_path)
    redis.start()
    db_url, db_name = fresh_postgres_db()
    servers: list[ServerProcess] = []
    nginx: Nginx | None = None
    try:
        env = base_env(db_url, NEUVO_REDIS_URL=redis.url, NEUVO_STAFF_GRACE_S="60",
                       NEUVO_SHUTDOWN_TIMEOUT_S="5", NEUVO_FRAME_ANCESTORS=COUNTY_SITE)
        migrate(env)
        servers = [ServerProcess(env=dict(env), log_path=tmp_path / f"server-{name}.log")
                   for name in ("a", "b")]
        nginx = Nginx(tmp_path / "nginx", [s.port for s in servers])
        for server in servers:
            server.env["NEUVO_PUBLIC_URL"] = nginx.base_url
            server.start()
        nginx.start()
        yield Topology(servers, nginx, client_context(nginx.cert))
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()
        redis.kill()
        drop_postgres_db(db_name)


def sockets_on(server: ServerProcess) -> dict[str, int]:
    """Open sockets per kind on one process, from its own /metrics (not through the proxy)."""
    text = httpx.get(server.base_url + "/metrics", timeout=5).text
    found = re.findall(r'^neuvo_ws_connections\{kind="(\w+)"\} ([\d.]+)$', text, re.M)
    return {kind: int(float(value)) for kind, value in found}


async def test_slowloris_is_closed_by_the_proxy(topology: Topology) -> None:
    """Headers dripped one byte a second never finish: nginx closes within its timeout."""
    nginx = topology.nginx

    def drip() -> float:
        raw = socket.create_connection(("127.0.0.1", nginx.https_port), timeout=5)
        with topology.context.wrap_socket(raw, server_hostname="localhost") as tls:
            started = time.monotonic()
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            tls.settimeout(1)
            while time.monotonic() - started < HEADER_TIMEOUT_S + 10:
                try:
                    tls.sendall(b"X")
                    if tls.recv(4096) == b"":
                        break
                except TimeoutError:
                    continue
                except (ssl.SSLError, OSError):
                    break
            return time.monotonic() - started

    elapsed = await asyncio.to_thread(drip)
    assert elapsed < HEADER_TIMEOUT_S + 3, f"still open after {elapsed:.1f} s"
    assert elapsed > HEADER_TIMEOUT_S - 2  # closed by the timeout, not at once


async def test_one_request_id_in_the_proxy_log_and_the_server_log(topology: Topology) -> None:
    nginx = topology.nginx
    async with httpx.AsyncClient(base_url=nginx.base_url, verify=topology.context) as http:
        health = await http.get("/healthz")
    request_id = health.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, passed through
    # A refused staff handshake: the proxy's access line and the server's log line share it.
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(nginx.ws_base + "/ws/v1/staff", ssl=topology.context,
                                 origin=nginx.base_url)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403

    def server_entries() -> list[dict[str, str]]:
        return [json.loads(line) for server in topology.servers if server.log_path
                for line in server.log_path.read_text().splitlines() if line.startswith("{")]

    found: list[dict[str, str]] = []

    async def written() -> bool:
        found[:] = [e for e in server_entries()
                    if e["message"] == "staff socket refused: no valid session"]
        return bool(found)

    await eventually(written, timeout=10, step=0.05)
    access = (nginx.directory / "access.log").read_text().splitlines()
    assert [line for line in access if line.endswith(" " + request_id) and "/healthz" in line]
    refused_line = next(line for line in access if "/ws/v1/staff 403" in line)
    assert refused_line.split()[-1] == found[0]["request"]


async def test_chat_through_the_proxy_survives_a_rolling_restart(topology: Topology) -> None:
    nginx, servers = topology.nginx, topology.servers
    origin = nginx.base_url
    username = create_staff(servers[0], "proxystaff")
    async with httpx.AsyncClient(base_url=nginx.base_url, verify=topology.context,
                                 timeout=10) as http:
        assert (await http.get("/metrics")).status_code == 404  # never public
        page = await http.get("/healthz")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        frame = await http.get("/widget/chat.html")  # CSP from configuration, not any host
        csp = frame.headers["content-security-policy"]
        assert f"frame-ancestors 'self' {COUNTY_SITE}" in csp
        assert f"connect-src 'self' {nginx.ws_base}" in csp
        assert " ws: " not in csp and "frame-ancestors *" not in csp
        cookie = await login(http, username, PASSWORD)
        chat = (await http.post("/api/v1/chats", json={"lang": "fi"})).json()
    assert chat["ws_url"].startswith(nginx.ws_base)

    staff = ProxyStaff(nginx.ws_base + "/ws/v1/staff", topology.context, origin,
                       {"Cookie": f"neuvo_session={cookie}"})
    resident = ProxyResident(nginx.ws_base, topology.context, origin, chat)
    await staff.start()
    await resident.start()
    await resident.control({"type": "handoff.request"})
    await staff.wait_for(lambda: any(f["chat_id"] == resident.chat_id for f in
                                     staff.frames("queue.updated") + staff.frames("queue.snapshot")
                                     for f in f["items"]), 10, "chat in the staff queue")
    await staff.control({"type": "chat.accept", "chat_id": resident.chat_id})
    await staff.wait_for(lambda: bool(staff.frames("chat.assigned")), 10, "chat.assigned")

    # Round robin spreads the sockets; move the staff socket until both share one process.
    holder = next(s for s in servers if sockets_on(s).get("resident") == 1)
    for _ in range(8):
        if sockets_on(holder).get("staff") == 1:
            break
        await staff.ws.close()
        await staff.wait_for(lambda: len(staff.connections) > 1 and staff.ready.is_set(), 10,
                             "staff reconnect")
    assert sockets_on(holder) == {"resident": 1, "staff": 1}
    other = next(s for s in servers if s is not holder)
    staff_closes_before = len(staff.close_codes)

    async def resident_talks() -> None:
        for i in range(12):
            await resident.send_message(f"asukas {i}")
            await asyncio.sleep(0.08)

    async def staff_talks() -> None:
        for i in range(6):
            await staff.send_message(f"työntekijä {i}", chat_id=resident.chat_id)
            await asyncio.sleep(0.15)

    async def restart_holder() -> None:
        await asyncio.sleep(0.35)  # mid-chat
        assert holder.proc is not None
        holder.proc.send_signal(signal.SIGTERM)

    started = time.monotonic()
    await asyncio.gather(resident_talks(), staff_talks(), restart_holder())
    await resident.wait_for(lambda: not resident.outbox and not staff.outbox, 20,
                            "every message acknowledged")
    assert holder.proc is not None
    await asyncio.to_thread(holder.proc.wait, 15)
    assert time.monotonic() - started < 15

    # Both closed with 1012 and came back through the proxy to the other process.
    assert 1012 in resident.close_codes and 1012 in staff.close_codes[staff_closes_before:]
    await resident.wait_for(lambda: sockets_on(other) == {"resident": 1, "staff": 1}, 10,
                            "both sockets on the other process")

    # Nothing acknowledged lost or repeated: seqs 1..n on both sides, each message once.
    acked = {**resident.acked, **staff.acked}
    assert len(acked) == 12 + 6 and len(set(acked.values())) == 18
    last = max(acked.values())
    await resident.wait_for(lambda: resident.last_seq == last, 10, "resident has every message")
    await staff.wait_for(lambda: max(staff.seqs_on(staff.connections[-1], resident.chat_id),
                                     default=0) == last, 10, "staff has every message")
    resident_seqs = [f["seq"] for f in resident.frames("message.created")]
    assert resident_seqs == list(range(1, last + 1))
    for connection in staff.connections:  # each connection in order, without repeats
        seqs = staff.seqs_on(connection, resident.chat_id)
        assert seqs == sorted(set(seqs))
    assert staff.seqs_on(staff.connections[-1], resident.chat_id) == list(range(1, last + 1))
    texts = [f["text"] for f in resident.frames("message.created")]
    for i in range(12):
        assert texts.count(f"asukas {i}") == 1
    for i in range(6):
        assert texts.count(f"työntekijä {i}") == 1

    await asyncio.gather(resident.stop(), staff.stop())
    log = holder.log_path.read_text() if holder.log_path else ""
    assert "for the restart (1012)" in log and '"level": "error"' not in log
