"""Shared fixtures: real Redis and PostgreSQL (tests/backends.py), one server per module and
backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests import clients
from tests.backends import BACKENDS, Backend, require_services
from tests.processes import ServerProcess


@pytest.fixture(scope="session", autouse=True)
def real_services() -> None:
    require_services()


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


@pytest.fixture(autouse=True)
async def close_test_clients() -> AsyncIterator[None]:
    """Protocol clients a test left open are closed after it, on its own event loop."""
    yield
    await clients.close_all()
