"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
downgrade cleanly (a model change without its migration fails here)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import server.store.models
import server.store.models_content
import server.store.models_directory
import server.store.models_inbox
import server.store.models_queues
import server.store.models_review
import server.store.models_stats  # registers the tables
from server.config import to_async_url
from server.store import migrate
from tests.backends import drop_postgres_db, fresh_postgres_db


def _compare(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": False})
    return list(compare_metadata(context, SQLModel.metadata))


async def differences(async_url: str) -> list[Any]:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_compare)
    finally:
        await engine.dispose()


async def check(async_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, async_url)
    assert await differences(async_url) == []
    await asyncio.to_thread(migrate.downgrade, async_url, "base")
    await asyncio.to_thread(migrate.upgrade, async_url)


async def test_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    await check(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_postgres_schema_matches_the_models() -> None:
    url, name = await asyncio.to_thread(fresh_postgres_db)
    try:
        await check(to_async_url(url))
    finally:
        await asyncio.to_thread(drop_postgres_db, name)


@pytest.mark.parametrize("table", ["chat_stats", "chat_stats_messages", "phone_calls"])
def test_statistics_tables_are_registered(table: str) -> None:
    assert table in SQLModel.metadata.tables
    assert server.store.models.Chat.__tablename__ == "chats"
