"""Shared fixtures: real Redis and PostgreSQL (CI fails, never skips, without them)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import redis

from tests.helpers import ServerProcess, start_server

REDIS_URL = os.environ.get("NEUVO_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_URL = os.environ.get("NEUVO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite-memory", "postgres-redis"]
_redis_dbs = iter(range(3, 16))


def _require_services() -> None:
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


@pytest.fixture(scope="session", autouse=True)
def real_services() -> None:
    _require_services()


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


def fresh_redis_url() -> str:
    """A Redis database number of its own, emptied (tests never share coordination state)."""
    url = f"{REDIS_URL.rstrip('/')}/{next(_redis_dbs)}"
    redis.Redis.from_url(url).flushdb()
    return url


class Backend:
    """Where a group of test servers keeps its state."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.pg_name: str | None = None
        if kind == "postgres-redis":
            self.db_url, self.pg_name = fresh_postgres_db()
            self.env = {"NEUVO_REDIS_URL": fresh_redis_url()}
        else:
            self.db_url = ""
            self.env = {}

    def server(self, tmp: Path, **env: str) -> contextlib.AbstractContextManager[ServerProcess]:
        return start_server(tmp, {**self.env, **env}, db_url=self.db_url or None)

    def close(self) -> None:
        if self.pg_name:
            drop_postgres_db(self.pg_name)


@pytest.fixture(params=BACKENDS, scope="module")
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    chosen = Backend(request.param)
    yield chosen
    chosen.close()


@pytest.fixture(scope="module")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per test module and backend (grace period short for requeue tests)."""
    with backend.server(tmp_path_factory.mktemp(backend.kind), NEUVO_STAFF_GRACE_S="2") as srv:
        yield srv
