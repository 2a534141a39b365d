"""Staff login under attack (issue 9, items 12, 16, 20): password checks off the event loop,
throttling per account and address, lockouts cleared by a password reset and audited, and a
race-free demo account."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.backends import Backend, drop_postgres_db, fresh_postgres_db
from tests.clients import Resident, unique
from tests.processes import PASSWORD, ServerProcess, base_env, create_staff, migrate, start_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def acks_while(resident: Resident, running: asyncio.Task[Any] | float) -> list[float]:
    """Send-to-ack latencies (ms) of messages sent one after another while `running` (a task)
    is not done, or for `running` seconds."""
    latencies: list[float] = []
    until = time.perf_counter() + running if isinstance(running, float) else None
    while (not running.done()) if isinstance(running, asyncio.Task) else (
            time.perf_counter() < until):  # type: ignore[operator]
        started = time.perf_counter()
        await resident.say(f"viesti {len(latencies)}")
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def figures(ms: list[float]) -> str:
    return (f"{len(ms)} acks, p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} "
            f"ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms")


async def test_login_storm_does_not_stall_other_residents(tmp_path: Path) -> None:
    """20 concurrent logins (10 wrong, 10 right) while a resident chats. Without the thread
    pool each check held the event loop ~135 ms (p99 in the seconds). The target is p99 < 50 ms;
    this 2-CPU machine is shared, so the same measurement without logins is taken right before
    and the storm may add at most 50 ms to that (both printed)."""
    with start_server(tmp_path) as server:
        username = create_staff(server, unique("s"))
        resident = await Resident.start(server)
        await resident.say("lämmittely")

        async def storm() -> list[int]:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as http:
                async def one(i: int) -> int:
                    password = PASSWORD if i % 2 else "wrong-password-123"
                    response = await http.post("/api/v1/staff/login",
                                               json={"username": username, "password": password})
                    return response.status_code
                return list(await asyncio.gather(*(one(i) for i in range(20))))

        baseline = await acks_while(resident, 3.0)
        started = time.perf_counter()
        logins = asyncio.create_task(storm())
        during = await acks_while(resident, logins)
        storm_s = time.perf_counter() - started
        statuses = await logins
        await resident.close()
        assert sorted(statuses) == [200] * 10 + [401] * 10
        print(f"\nresident ack latency, 3 s without logins: {figures(baseline)}"
              f"\nduring 20 concurrent logins ({storm_s:.1f} s): {figures(during)}")
        assert len(during) >= 20  # measured across the storm, not after it
        assert percentile(during, 0.99) < 50 + percentile(baseline, 0.99)


async def login_from(server: ServerProcess, address: str, username: str, password: str) -> int:
    """Log in from a client address of our own (any 127.x.y.z reaches the server)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=server.base_url, transport=transport) as http:
        response = await http.post("/api/v1/staff/login",
                                   json={"username": username, "password": password})
    return response.status_code


async def test_lockout_is_per_account_and_address_cleared_by_reset_and_audited(
    backend: Backend, tmp_path: Path,
) -> None:
    with backend.server(tmp_path, NEUVO_LOGIN_FAILURES_PER_15MIN="3") as server:
        alice = create_staff(server, unique("a"))
        supervisor = create_staff(server, unique("sup"), role="supervisor")
        admin = create_staff(server, unique("adm"), role="admin")
        office, home = "127.0.0.2", "127.0.0.3"
        assert [await login_from(server, office, alice, "wrong-password-1")
                for _ in range(3)] == [401, 401, 401]
        # Locked for this account from this address, even with the right password...
        assert await login_from(server, office, alice, PASSWORD) == 429
        assert await login_from(server, office, alice, "wrong-password-1") == 429
        # ...but the real user logs in from an address that has not been failing.
        assert await login_from(server, home, alice, PASSWORD) == 200
        # Many failures from the office on other accounts lock nobody else out (one NAT).
        for i in range(20):
            assert await login_from(server, office, f"nobody{i}", "wrong-password-1") == 401
        assert await login_from(server, office, supervisor, PASSWORD) == 200
        # A supervisor's password reset clears the account's locks.
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            response = await http.post("/api/v1/staff/login",
                                       json={"username": supervisor, "password": PASSWORD})
            reset = await http.post(f"/api/v1/supervisor/staff/{alice}/password",
                                    json={"password": "uusi-salasana-123"},
                                    headers={"X-CSRF-Token": response.json()["csrf_token"]})
            assert reset.status_code == 200, reset.text
        assert await login_from(server, office, alice, "uusi-salasana-123") == 200
        # The lockout is in the audit log once, without the address.
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            await http.post("/api/v1/staff/login", json={"username": admin, "password": PASSWORD})
            items = (await http.get(f"/api/v1/admin/audit?username={alice}")).json()["items"]
        locked = [e for e in items if e["action"] == "login_locked"]
        assert len(locked) == 1 and locked[0]["detail"] is None and locked[0]["chat_id"] is None


async def test_dev_servers_starting_together_create_the_demo_account_once(
    tmp_path: Path,
) -> None:
    """Two dev-mode servers on one PostgreSQL both create `demo` at start-up: neither dies with
    a unique-key violation. Made deterministic: a table lock holds both inserts until both
    have looked for the account and found none, then lets them race."""
    from server.cli import _demo_account
    from server.config import Settings

    db_url, name = await asyncio.to_thread(fresh_postgres_db)
    try:
        await asyncio.to_thread(migrate, base_env(db_url))
        settings = Settings(dev=True, database_url=db_url, bot="minimal")
        conn = await asyncpg.connect(db_url)
        try:
            blocker = conn.transaction()
            await blocker.start()
            await conn.execute("LOCK TABLE staff IN EXCLUSIVE MODE")  # reads pass, inserts wait
            starts = asyncio.gather(_demo_account(settings), _demo_account(settings),
                                    return_exceptions=True)
            deadline = time.monotonic() + 20
            while await conn.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                      "AND relation = 'staff'::regclass") < 2:
                assert time.monotonic() < deadline, "the two inserts never met"
                await asyncio.sleep(0.02)
            await blocker.commit()
            results = await starts
            assert list(results) == [None, None], results
            rows = await conn.fetchval("SELECT count(*) FROM staff WHERE username = 'demo'")
            assert rows == 1
        finally:
            await conn.close()
    finally:
        await asyncio.to_thread(drop_postgres_db, name)
