"""Engine and sessions. SQLite (one process) and PostgreSQL (many) through the same code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class Database:
    """One engine per process. Writes on SQLite are serialised in-process (SQLite has one
    writer anyway; queuing here avoids 'database is locked' under concurrency)."""

    def __init__(self, async_url: str) -> None:
        self.url = make_url(async_url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # Never put SQL parameters (message texts, names) into exception messages or logs.
        kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
        if self.is_sqlite:
            _ensure_parent_dir(self.url.database)
            kwargs = {"connect_args": {"timeout": 30}, "hide_parameters": True}
        else:
            kwargs.update(pool_size=10, max_overflow=20)
        self.engine: AsyncEngine = create_async_engine(async_url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    def insert(self, table: Any) -> Any:
        """INSERT with this dialect's ON CONFLICT clauses (SQLite or PostgreSQL)."""
        return (sqlite_insert if self.is_sqlite else pg_insert)(table)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back on an exception."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self._sessions() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` means the database could not be reached (down, restarting, network),
    rather than a fault in a query: such errors become `unavailable` / 503, logged as a
    warning without parameters."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc.orig, OSError)
    if isinstance(exc, OSError):  # includes ConnectionRefusedError and TimeoutError
        return True
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.InterfaceError
                      | asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError)


def _ensure_parent_dir(database: str | None) -> None:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
