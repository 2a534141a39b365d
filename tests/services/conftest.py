"""In-process service tests: the real services over a real database (SQLite file and a fresh
PostgreSQL database, migrated once per module and emptied before each test), the in-process
coordination backends and a recording bus. No server process, no sockets: fast."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import delete
from sqlmodel import SQLModel

import server.store.models_stats  # noqa: F401 - registers the statistics tables
from bot.minimal import MinimalBot
from server.bus.factory import Backends
from server.bus.memory import MemoryLocks, MemoryPresence, MemoryRateLimiter
from server.config import Settings, to_async_url
from server.services import chats
from server.services.context import ServiceContext
from server.services.lifecycle import accept, request_handoff
from server.store import migrate
from server.store.db import Database
from server.store.models import Chat, Staff
from server.web.tasks import TaskRegistry
from tests.backends import drop_postgres_db, fresh_postgres_db
from tests.recording_bus import RecordingBus

DATABASES = ["sqlite", "postgres"]


@pytest.fixture(params=DATABASES, scope="module")
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this module (plain URL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('services') / 'neuvo.db'}"
        migrate.upgrade(to_async_url(url))
        yield url
        return
    url, name = fresh_postgres_db()
    try:
        migrate.upgrade(to_async_url(url))
        yield url
    finally:
        drop_postgres_db(name)


@dataclass
class Services:
    """The context a test calls services with, the bus it reads events from, and setup."""

    ctx: ServiceContext
    bus: RecordingBus

    async def staff(self, username: str | None = None, *, roles: str = "staff",
                    capacity: int = 3, languages: str = "fi", status: str | None = "available",
                    display_name: str | None = None) -> Staff:
        """An account (written directly: setup, not the code under test), on duty with
        `status` unless None."""
        username = username or f"s{uuid.uuid4().hex[:8]}"
        staff = Staff(id=uuid.uuid4().hex, username=username,
                      display_name=display_name or username.capitalize(),
                      password_hash="not-used", roles=roles, capacity=capacity,
                      languages=languages)
        async with self.ctx.db.write() as session:
            session.add(staff)
        if status is not None:
            await self.ctx.backends.presence.set(staff.id, status, 60)
        return staff

    async def chat(self, lang: str = "fi", *, queued: bool = False, priority: bool = False) -> str:
        """A new chat (greeted by the bot), optionally handed off to the queue."""
        chat, _token = await chats.create_chat(self.ctx, lang, None, f"192.0.2.{uuid.uuid4().int % 250}")
        if queued:
            assert await request_handoff(self.ctx, chat.id, priority=priority) == "queued"
        return chat.id

    async def active_chat(self, staff: Staff, lang: str = "fi") -> str:
        """A new chat, handed off and accepted by `staff`."""
        chat_id = await self.chat(lang, queued=True)
        await accept(self.ctx, staff, chat_id)
        return chat_id

    async def load(self, chat_id: str) -> Chat:
        async with self.ctx.db.read() as session:
            chat = await session.get(Chat, chat_id)
        assert chat is not None
        return chat


async def _empty(db: Database) -> None:
    async with db.write() as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            await session.execute(delete(table))


@pytest.fixture
async def svc(database_url: str) -> AsyncIterator[Services]:
    # The engine is made per test: asyncpg connections belong to one event loop.
    settings = Settings(dev=True, database_url=database_url, bot="minimal",
                        service_hours="always", chat_create_per_minute=100_000)
    db = Database(settings.async_database_url)
    await _empty(db)
    bus = RecordingBus()
    backends = Backends(bus, MemoryRateLimiter(), MemoryPresence(), MemoryLocks())
    tasks = TaskRegistry()  # work a service starts after a commit (statistics rows, bot turns)
    ctx = ServiceContext(settings=settings, db=db, backends=backends, bot=MinimalBot(),
                         spawn=tasks.spawn)
    try:
        yield Services(ctx, bus)
    finally:
        await tasks.drain(10)  # never left writing into the next test's database
        await backends.close()
        await db.dispose()

