"""Every process answers from the published content version, switching without a restart.

The server's bot is a `LiveBot`: it hands each turn to the embedded engine of the version it
holds. Publishing sends `content.published` on the bus; each process then loads that version
from the database, trains (or loads from the model cache) its engine in a worker thread, off
the event loop, and swaps it in with one assignment: a turn in progress finishes on the old
engine, the next one uses the new. A process that starts later loads the published version
before it accepts connections, and every process also checks every REFRESH_S seconds in case
a bus message was missed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot import content as bot_content
from bot.api import BotContext, BotTurn
from bot.embedded import EmbeddedBot
from server.protocol.frames import ContentPublished, ServerFrame
from server.services.content import rasa_publish, store, upgrade
from server.services.context import ServiceContext

log = logging.getLogger(__name__)
CONTENT_TOPIC = "content"
REFRESH_S = 30.0


class LiveBot:
    """Implements bot.api.Bot over the engine of one published content version."""

    def __init__(self, facts: dict[str, str]) -> None:
        self._facts = dict(facts)
        self._bot: EmbeddedBot | None = None
        self.version = 0
        self.switched_at = 0.0
        self._lock = asyncio.Lock()

    def _current(self) -> EmbeddedBot:
        if self._bot is None:
            raise RuntimeError("bot content is not loaded yet")
        return self._bot

    async def greet(self, ctx: BotContext) -> BotTurn:
        return await self._current().greet(ctx)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        bot, version = self._current(), self.version  # read together: a switch may follow
        return replace(await bot.respond(text, ctx), content_version=version)

    async def close(self) -> None:
        return None

    def set_facts(self, facts: dict[str, str]) -> None:
        """The effective county facts (the editor's, else NEUVO_COUNTY_FACTS): the next
        turn answers with them; the engine is kept (only the filled-in values change)."""
        if facts == self._facts:
            return
        self._facts = dict(facts)
        if self._bot is not None:
            self._bot = EmbeddedBot(engine=self._bot.engine(), facts=self._facts)

    async def switch(self, version: int, content: bot_content.Content,
                     cache_directory: Path | None = None) -> bool:
        """Build the engine for `version` off the event loop and swap it in (never back)."""
        async with self._lock:
            if version <= self.version:
                return False
            started = time.monotonic()
            engine = await bot_content.train_engine(content, cache_directory)
            self._bot = EmbeddedBot(engine=engine, facts=self._facts)
            self.version, self.switched_at = version, time.time()
            log.info("bot content version %d live in %.2f s", version, time.monotonic() - started)
            return True


def live_version(ctx: ServiceContext) -> int | None:
    """The content version this process answers from: its LiveBot's, or the one the Rasa
    server was last seen to have loaded (None: unknown, or a bot without versions)."""
    bot = live_bot(ctx)
    if bot is not None:
        return bot.version
    rasa = rasa_publish.rasa_bot(ctx)
    return rasa.content_version if rasa is not None else None


def live_bot(ctx: ServiceContext) -> LiveBot | None:
    """The process's LiveBot, also when it is wrapped (e.g. timed for /metrics: `.inner`)."""
    bot: object = ctx.bot
    for _ in range(3):
        if isinstance(bot, LiveBot):
            return bot
        bot = getattr(bot, "inner", None)
    return None


async def refresh(ctx: ServiceContext) -> None:
    """Switch to the newest published version if this process is behind (with a Rasa server:
    learn which version it answers from, and re-load the newest there if it has another)."""
    bot = live_bot(ctx)
    if bot is None:
        await rasa_publish.sync(ctx)
        return
    latest = await store.latest_version(ctx)
    if latest <= bot.version:
        return
    content = await store.version_content(ctx, latest)
    if content is not None:
        await bot.switch(latest, content, ctx.settings.bot_cache_dir)


async def start(ctx: ServiceContext) -> None:
    """Before the server accepts connections: import the shipped content on first start,
    then load the published version."""
    await store.ensure_initial(ctx)
    await upgrade.add_missing_intents(ctx)  # catalogue intents added in a later release
    await refresh(ctx)


async def refresher(ctx: ServiceContext) -> None:
    while True:
        await asyncio.sleep(REFRESH_S)
        try:
            await refresh(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("bot content refresh failed; retrying")


class ContentWatcher:
    """Bus member: a published version (or a bus reconnect) triggers a refresh."""

    def __init__(self, ctx: ServiceContext,
                 spawn: Callable[[Coroutine[Any, Any, None], str], None]) -> None:
        self.ctx = ctx
        self._spawn = spawn

    def deliver(self, topic: str, frame: ServerFrame) -> None:
        if isinstance(frame, ContentPublished):
            self._refresh()

    def resync(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        self._spawn(refresh(self.ctx), "content-refresh")
