"""Console browser tests: a real server per module (SQLite unless a test needs PostgreSQL
and Redis), Debian's Chromium through Playwright, a fresh browser context per console."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser

from tests.browser import launch_chromium
from tests.processes import ServerProcess, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("console"), {"NEUVO_STAFF_GRACE_S": "30"}) as srv:
        yield srv


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as launched:
        yield launched
