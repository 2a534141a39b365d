"""Statistics benchmark: 100,000 synthetic closed chats (a year) on PostgreSQL, then every
aggregate call of the statistics API timed through a real server process.

    .venv/bin/python bench/stats_data.py [--chats 100000] [--repeat 5]
    make bench-stats

Creates its own PostgreSQL database (NEUVO_TEST_POSTGRES_URL's server) and drops it at the
end. Rows are written with COPY. Each call is made once to warm up, then `--repeat` times;
the table shows the median and the slowest wall time per call as the client sees it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.processes import PASSWORD, ServerProcess, base_env, create_staff, migrate

PG_URL = os.environ.get("NEUVO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TOPICS = ["housing_advice", "income_support", "child_welfare", "substance_abuse",
          "elderly_services", "disability_services", "debt_advice", "mental_health", None]
PLACES = ["Seinäjoki", "Lapua", "Kauhava", "Alavus", "Kurikka", "Ilmajoki", "Kuortane",
          "Teuva", "Ähtäri", None]
COLUMNS = ("chat_id", "lang", "municipality", "created_at", "handoff_at", "queued_at",
           "first_accepted_at", "closed_at", "closed_by", "handled_by", "priority", "wait_s",
           "first_response_s", "duration_s", "topic", "tag_topics", "outcome", "transfers",
           "resident_messages", "bot_messages", "staff_messages", "fallbacks",
           "feedback_score", "anonymised_at")


def synthetic(n: int, end: date, seed: int = 7) -> list[tuple[object, ...]]:
    rnd = random.Random(seed)
    start = datetime.combine(end - timedelta(days=365), datetime.min.time(), tzinfo=UTC)
    out = []
    for _ in range(n):
        created = start + timedelta(seconds=rnd.randint(0, 365 * 86400))
        handled = rnd.choices(["bot", "staff", "abandoned_queue"], [5, 4, 1])[0]
        queued = created + timedelta(seconds=rnd.randint(30, 600)) if handled != "bot" else None
        wait = float(rnd.randint(10, 1800)) if handled == "staff" else None
        accepted = queued + timedelta(seconds=wait) if queued and wait else None
        closed = (accepted or queued or created) + timedelta(seconds=rnd.randint(60, 3600))
        outcome = (rnd.choice(["solved_first_contact", "referred", "other",
                               "needs_identification"]) if handled == "staff"
                   else "abandoned" if handled == "abandoned_queue" else None)
        topic = rnd.choice(TOPICS)
        out.append((uuid.uuid4().hex, rnd.choices(["fi", "sv", "en"], [8, 2, 1])[0],
                    rnd.choice(PLACES), created, queued, queued, accepted, closed, "resident",
                    handled, rnd.random() < 0.03, wait, 20.0 if accepted else None,
                    (closed - created).total_seconds(), topic,
                    topic if handled == "staff" else None, outcome, 0, rnd.randint(1, 9),
                    rnd.randint(1, 9), rnd.randint(0, 9) if accepted else 0, rnd.randint(0, 2),
                    rnd.choice([None, None, 1, 2, 3, 4, 5, 5, 4]), closed))
    return out


async def fill(db_url: str, rows: list[tuple[object, ...]]) -> None:
    import asyncpg

    conn = await asyncpg.connect(db_url)
    try:
        await conn.copy_records_to_table("chat_stats", records=rows, columns=COLUMNS)
        await conn.execute("ANALYZE chat_stats")
    finally:
        await conn.close()


async def create_db() -> tuple[str, str]:
    import asyncpg

    name = f"neuvo_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name, name


async def drop_db(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def calls(end: date) -> list[tuple[str, str, dict[str, str]]]:
    year = {"from": (end - timedelta(days=364)).isoformat(), "to": end.isoformat()}
    month = {"from": (end - timedelta(days=29)).isoformat(), "to": end.isoformat()}
    return [
        ("report, 30 days", "/api/v1/stats", month),
        ("report, 365 days", "/api/v1/stats", year),
        ("report, 365 days, lang=sv", "/api/v1/stats", {**year, "lang": "sv"}),
        ("report, 365 days, municipality", "/api/v1/stats", {**year, "municipality": "Lapua"}),
        ("days, 365 days", "/api/v1/stats/days", year),
        ("heatmap, 365 days", "/api/v1/stats/heatmap", year),
        ("weekly follow-up", "/api/v1/stats/weekly", {}),
        ("days.csv, 365 days", "/api/v1/stats/days.csv", year),
        ("click-through, one weekday x hour, 30 days", "/api/v1/stats/conversations",
         {**month, "weekday": "1", "hour": "10"}),
        ("conversations.csv, 30 days (~8,000 rows)", "/api/v1/stats/conversations.csv", month),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    end = datetime.now(UTC).date()
    db_url, name = asyncio.run(create_db())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = base_env(db_url, NEUVO_STATS_CACHE_S="0")  # time the computation, not the cache
            migrate(env)
            started = time.monotonic()
            asyncio.run(fill(db_url, synthetic(args.chats, end)))
            print(f"{args.chats:,} chats written in {time.monotonic() - started:.1f} s")
            server = ServerProcess(env=env, log_path=Path(tmp) / "server.log")
            try:
                start(server)
                username = create_staff(server, "bench" + uuid.uuid4().hex[:6], role="supervisor")
                run(server, username, end, args.repeat)
            finally:
                server.stop()
    finally:
        asyncio.run(drop_db(name))


def start(server: ServerProcess, timeout_s: float = 180) -> None:
    """Like ServerProcess.start, with a longer wait: the machine is shared and may be busy."""
    try:
        server.start()
        return
    except RuntimeError:
        if server.proc is None or server.proc.poll() is not None:
            raise
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base_url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not start")


def run(server: ServerProcess, username: str, end: date, repeat: int) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        http.post("/api/v1/staff/login",
                  json={"username": username, "password": PASSWORD}).raise_for_status()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), "
              f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
        print("| call | median (ms) | slowest (ms) |\n|---|---|---|")
        for label, path, params in calls(end):
            http.get(path, params=params).raise_for_status()  # warm-up
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = http.get(path, params=params)
                response.raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} |")


if __name__ == "__main__":
    main()
