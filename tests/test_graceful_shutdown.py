"""SIGTERM on a real server process: not ready at once, sockets finish their frame and close
with 1012 (clients reconnect elsewhere), the process exits within its budget, and nothing
acknowledged is lost (the chat resumes on a restarted process in seq order)."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from tests.clients import Resident, StaffClient, created, reaches_seq
from tests.processes import create_staff, start_server


async def close_code(client: Any, timeout: float = 10.0) -> int | None:
    """Read until the server closes the socket; its close code."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            await asyncio.wait_for(client.ws.recv(), deadline - time.monotonic())
    except websockets.ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    raise AssertionError("the server did not close the socket")


async def test_sigterm_closes_sockets_with_1012_and_exits(tmp_path: Path) -> None:
    env = {"NEUVO_SHUTDOWN_DELAY_S": "1", "NEUVO_SHUTDOWN_TIMEOUT_S": "5"}
    with start_server(tmp_path, env) as server:
        staff = await StaffClient.start(server, create_staff(server, "graceful"))
        resident = await Resident.start(server)
        await resident.send({"type": "handoff.request"})
        await resident.expect("chat.state", state="queued")
        await staff.accept(resident.chat_id)
        first = await resident.say("ennen sammutusta")

        assert server.proc is not None
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        # Not ready at once (the load balancer stops sending new work), still alive.
        async with httpx.AsyncClient(base_url=server.base_url, timeout=2) as http:
            for _ in range(50):
                ready = await http.get("/readyz")
                if ready.status_code == 503:
                    break
                await asyncio.sleep(0.02)
            assert ready.status_code == 503 and ready.json()["status"] == "shutting_down"
            assert (await http.get("/healthz")).status_code == 200
        # During the delay the sockets still work: this message is stored and acknowledged.
        during = await resident.say("sammutuksen aikana")
        assert during["seq"] == first["seq"] + 1
        await staff.expect("message.created", text="sammutuksen aikana")

        codes = await asyncio.gather(close_code(resident), close_code(staff))
        assert list(codes) == [1012, 1012]
        server.proc.wait(timeout=10)
        elapsed = time.monotonic() - signalled
        # uvicorn re-raises the signal after a clean shutdown, as the default handler would.
        assert server.proc.returncode in (0, -signal.SIGTERM)
        assert elapsed < 1 + 5 + 1, f"exit took {elapsed:.1f} s"

        # A restarted process serves the same chat: every acked message once, in order.
        server.start()
        welcome = await resident.connect(server, last_seq=0)
        frames = await resident.until(reaches_seq(welcome["last_seq"]))
        frames = created(frames + await resident.settle())
        seqs = [f["seq"] for f in frames]
        assert seqs == list(range(1, during["seq"] + 1))
        texts = [f["text"] for f in frames if f["author"] == "resident"]
        assert texts == ["ennen sammutusta", "sammutuksen aikana"]
        await resident.close()
    assert server.log_path is not None
    log = server.log_path.read_text()
    assert "closed 2 sockets for the restart (1012)" in log
    assert '"level": "error"' not in log
