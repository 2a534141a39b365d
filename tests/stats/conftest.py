"""Statistics service tests: a migrated database per backend (SQLite file, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from server.services.context import ServiceContext
from tests.backends import drop_postgres_db, fresh_postgres_db
from tests.stats.builder import service_context

DBS = ["sqlite", "postgres"]


@pytest.fixture(params=DBS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite":
        yield ""
        return
    url, name = fresh_postgres_db()
    yield url
    drop_postgres_db(name)


@pytest.fixture
async def ctx(db_url: str, tmp_path: Path) -> AsyncIterator[ServiceContext]:
    async with service_context(db_url, tmp_path) as context:
        yield context
