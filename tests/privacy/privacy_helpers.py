"""In-process service contexts over real, migrated databases (SQLite file or PostgreSQL with
Redis) and a clock the tests move."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from server.config import Settings, to_async_url
from server.privacy.commands import offline_context
from server.services.context import ServiceContext
from server.store import migrate
from tests.backends import drop_postgres_db, fresh_postgres_db, fresh_redis_url
from tests.processes import base_env

KINDS = ["sqlite", "postgres-redis"]


class Clock:
    """A clock that moves only when told (µs precision, like the databases)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@contextlib.contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, migrated database of `kind` (SQLite file or PostgreSQL+Redis)."""
    pg_name = None
    if kind == "sqlite":
        url, redis_url = f"sqlite:///{tmp_path / 'neuvo.db'}", None
    else:
        url, pg_name = fresh_postgres_db()
        redis_url = fresh_redis_url()
    try:
        migrate.upgrade(to_async_url(url))
        yield Settings(dev=True, database_url=url, redis_url=redis_url)
    finally:
        if pg_name:
            drop_postgres_db(pg_name)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = base_env(settings.database_url, **extra)
    if settings.redis_url:
        env["NEUVO_REDIS_URL"] = settings.redis_url
    return env


@contextlib.asynccontextmanager
async def context(settings: Settings, clock: Clock | None = None,
                  **overrides: Any) -> AsyncIterator[ServiceContext]:
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    async with offline_context(settings.model_copy(update=overrides), **extra) as ctx:
        yield ctx


async def settle(ctx: ServiceContext) -> None:
    """Let background work started by the services (statistics rows) finish."""
    from server.services import context as context_module

    while pending := set(context_module._ORPHANS):
        await asyncio.wait(pending)
