"""Where test servers keep their state: real PostgreSQL databases and Redis databases (CI
fails, never skips, without them), and `Backend`, which starts servers on one of them."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import redis

from tests.processes import ServerProcess, start_server

REDIS_URL = os.environ.get("NEUVO_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_URL = os.environ.get("NEUVO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite-memory", "postgres-redis"]


def _redis_db_range() -> range:
    """Redis databases 3-15 are the tests'; with pytest-xdist each worker takes its own share
    (tests flush the database they get, so two workers must never hold the same one)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker[2:]) if worker.startswith("gw") else 0
    size = 13 // max(workers, 1)
    if size < 2:
        raise RuntimeError("at most 6 xdist workers share one Redis (databases 3-15)")
    return range(3 + index * size, 3 + (index + 1) * size)


_redis_dbs = itertools.cycle(_redis_db_range())


def require_services() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is unreachable ({exc}); `make test` starts it",
                    pytrace=False)

    async def check_pg() -> None:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(check_pg())
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable ({exc}); `make test` starts it",
                    pytrace=False)


def fresh_postgres_db() -> tuple[str, str]:
    """Create an empty database for one server group; returns (url, name)."""
    name = f"neuvo_t_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def drop_postgres_db(name: str) -> None:
    async def drop() -> None:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


_redis_held: set[int] = set()


def fresh_redis_url(*, hold: bool = False) -> str:
    """A Redis database number of its own, emptied (tests never share coordination state).
    A server group holds its database until release_redis_db(); others are reused in turn."""
    pool = _redis_db_range()
    for _ in range(len(pool)):
        db = next(_redis_dbs)
        if db not in _redis_held:
            break
    else:
        raise RuntimeError("every test Redis database is held by a live server group")
    if hold:
        _redis_held.add(db)
    url = f"{REDIS_URL.rstrip('/')}/{db}"
    redis.Redis.from_url(url).flushdb()
    return url


def release_redis_db(url: str) -> None:
    _redis_held.discard(int(url.rsplit("/", 1)[1]))


class Backend:
    """Where a group of test servers keeps its state."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.pg_name: str | None = None
        if kind == "postgres-redis":
            self.db_url, self.pg_name = fresh_postgres_db()
            self.env = {"NEUVO_REDIS_URL": fresh_redis_url(hold=True)}
        else:
            self.db_url = ""
            self.env = {}

    def server(self, tmp: Path, **env: str) -> contextlib.AbstractContextManager[ServerProcess]:
        return start_server(tmp, {**self.env, **env}, db_url=self.db_url or None)

    def close(self) -> None:
        if self.pg_name:
            drop_postgres_db(self.pg_name)
        if "NEUVO_REDIS_URL" in self.env:
            release_redis_db(self.env["NEUVO_REDIS_URL"])


@contextlib.contextmanager
def server_pair(tmp: Path, **env: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one fresh PostgreSQL database and Redis: the multi-process
    topology (any process serves any socket; live delivery between them through Redis)."""
    backend = Backend("postgres-redis")
    try:
        with backend.server(tmp / "a", **env) as a, backend.server(tmp / "b", **env) as b:
            yield a, b
    finally:
        backend.close()
