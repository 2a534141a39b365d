"""The Starlette application: routes, middleware, and the lifespan that wires the parts."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import asyncpg
from redis.exceptions import MaxConnectionsError
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.api import Bot
from server import privacy
from server.bus.factory import make_backends
from server.bus.hub import Hub
from server.config import Settings
from server.privacy import schedule as privacy_schedule
from server.protocol.frames import ConfigChanged, ServerFrame
from server.services import passwords, resident_presence
from server.services.content import live
from server.services.content.live import LiveBot
from server.services.context import ServiceContext
from server.services.errors import ServiceError
from server.services.service_config import CONFIG_TOPIC
from server.services.signoff import sweep_disconnected
from server.services.stats import staffing
from server.store.db import Database
from server.web import (
    health,
    http_accounts,
    http_directory,
    http_editor,
    http_editor_eval,
    http_editor_inbox,
    http_editor_tools,
    http_queues,
    http_resident,
    http_staff,
    http_stats,
    http_supervisor,
    pages,
    sockets,
)
from server.web.correlation import RequestIds
from server.web.observe import TimedBot
from server.web.runtime import Runtime
from server.web.security import (
    RefuseControlCharacters,
    SecurityHeaders,
    database_error,
    service_error,
)
from server.web.shutdown import Shutdown
from server.web.tasks import TaskRegistry

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
WIDGET_DIR = ROOT / "widget"
CONSOLE_DIR = Path(__file__).resolve().parent / "console"


def make_bot(settings: Settings) -> Bot:
    """The configured bot. The embedded bot answers from the published content version in
    the database (server/services/content/live.py), loaded in the lifespan before the server
    accepts connections (trained a few seconds, then cached by content)."""
    if settings.bot == "embedded":
        return LiveBot(settings.facts)
    if settings.bot == "minimal":
        from bot.minimal import MinimalBot

        return MinimalBot()
    from bot.runtime import make_bot as make_runtime

    token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    return make_runtime(settings.bot, settings.rasa_url, settings.facts,
                        rasa_timeout=settings.rasa_timeout, rasa_token=token,
                        cache_directory=settings.bot_cache_dir)


class _ConfigWatcher:
    """Drops this process's cached service settings when another process changes them."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def deliver(self, topic: str, frame: ServerFrame) -> None:
        if isinstance(frame, ConfigChanged):
            self.ctx.config_cache.invalidate()

    def resync(self) -> None:
        self.ctx.config_cache.invalidate()  # events may have been missed


async def _sweeper(ctx: ServiceContext) -> None:
    """Requeue chats of staff gone longer than the grace period, close abandoned and idle
    chats, tell staff whose residents left, sample staffing for the statistics; log and go
    on."""
    sampler = staffing.Sampler()
    while True:
        await asyncio.sleep(ctx.settings.sweep_interval_s)
        try:
            moved = await sweep_disconnected(ctx)
            if moved:
                log.info("requeued %d chats of disconnected staff", moved)
            await resident_presence.sweep(ctx)
            await sampler.sample(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweeper failed; retrying")


GC_THRESHOLDS = (50_000, 20, 100)  # CPython's defaults are (700, 10, 10)


def _tune_gc() -> None:
    """Keep the cyclic garbage collector from pausing the event loop mid-traffic: what start-up
    loaded (modules, the bot model, routes) moves out of the collector's generations
    (`gc.freeze`), and young collections run after 50,000 allocations instead of 700. On the
    load bench this took p99 from 60–150 ms to 20–40 ms at 500–1,500 messages/s with the
    same p50 and CPU (README, Performance)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings, shutdown: Shutdown | None = None) -> Starlette:
    """The application. `shutdown` is shared with the server's signal handling (`neuvo
    serve`); its state reaches /readyz and every socket through the lifespan's Runtime."""
    shutdown = shutdown or Shutdown(settings.shutdown_timeout_s)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Runtime]]:
        passwords.hashing.configure(settings.password_hash_threads)
        db = Database(settings.async_database_url)
        backends = make_backends(settings.redis_url, settings.redis_pool_size,
                                 settings.redis_pool_timeout_s)
        bot = make_bot(settings)
        ctx = ServiceContext(settings=settings, db=db, backends=backends, bot=TimedBot(bot))
        tasks = TaskRegistry()
        ctx.spawn = tasks.spawn  # statistics rows after a close, drained at shutdown
        if isinstance(bot, LiveBot):
            started = time.monotonic()
            await live.start(ctx)
            log.info("embedded bot (content version %d) ready in %.2f s", bot.version,
                     time.monotonic() - started)
        hub = Hub(backends.bus)
        await hub.start()
        await hub.join(CONFIG_TOPIC, _ConfigWatcher(ctx))
        await hub.join(live.CONTENT_TOPIC, live.ContentWatcher(ctx, tasks.spawn))
        sweeper = asyncio.create_task(_sweeper(ctx), name="sweeper")
        refresher = asyncio.create_task(live.refresher(ctx), name="content-refresher")
        privacy_loops = privacy_schedule.tasks(ctx)
        # The anonymiser's name model loads (or trains once, ~5 s) in a thread, off the loop.
        tasks.spawn(asyncio.to_thread(privacy.warm_up), name="privacy-warm-up")
        _tune_gc()
        log.info("neuvo started (bus=%s, db=%s, bot=%s)",
                 "redis" if settings.redis_url else "memory",
                 "sqlite" if settings.is_sqlite else "postgresql", settings.bot)
        try:
            yield {"runtime": Runtime(ctx=ctx, hub=hub, tasks=tasks, shutdown=shutdown)}
        finally:
            for loop in (sweeper, refresher, *privacy_loops):
                loop.cancel()
                with suppress(asyncio.CancelledError):
                    await loop
            await tasks.drain(timeout_s=shutdown.remaining(default=10))
            await ctx.bot.close()
            await backends.close()
            await db.dispose()

    routes = [
        *health.routes, *http_resident.routes, *http_staff.routes, *http_supervisor.routes,
        *http_accounts.routes, *sockets.routes,
        *http_stats.routes, *http_editor.routes, *http_editor_eval.routes,
        *http_editor_inbox.routes, *http_editor_tools.routes, *http_queues.routes,
        *http_directory.routes,
        *pages.routes,
        Mount("/widget", StaticFiles(directory=WIDGET_DIR, check_dir=False), name="widget"),
        Mount("/console", StaticFiles(directory=CONSOLE_DIR, html=True, check_dir=False),
              name="console"),
    ]
    middleware = [
        Middleware(RequestIds),
        Middleware(SecurityHeaders, secure=not settings.dev, settings=settings),
        Middleware(RefuseControlCharacters),
        Middleware(CORSMiddleware, allow_origins=settings.allowed_origins,
                   allow_methods=["GET", "POST"], allow_headers=["content-type"],
                   allow_credentials=False),
    ]
    # Database and Redis-pool errors outside the services' mapping: 503 when it is an outage.
    handlers: dict[Any, Any] = {cls: database_error for cls in (
        DBAPIError, OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
        MaxConnectionsError)}
    handlers[ServiceError] = service_error  # every HTTP handler: parse, call, let this map
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers=handlers)
    return app
