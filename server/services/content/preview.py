"""The editor's preview chat: the bot answering from the **draft**, not the published version,
"as a resident of municipality X, in Swedish, outside opening hours".

The draft trains like a publish does (`bot.content.train_engine`: a nice-19 child process,
cached by content digest, so it never blocks chats); the first answer after a change waits
for that, later ones reuse the engine this process keeps for the newest draft digest. The
answer uses the effective county facts and the real service hours text in the chosen
language; nothing is stored and no chat exists.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot import content as bot_content
from bot.api import BotContext, BotTurn, Lang
from bot.embedded import EmbeddedBot
from bot.engine.engine import Engine
from bot.engine.loader import ProjectError
from server.services import directory_bot, service_config
from server.services.content import store
from server.services.context import ServiceContext
from server.services.errors import InvalidInput

log = logging.getLogger(__name__)
MAX_TEXT = 4000
MAX_MUNICIPALITY = 100
MAX_STREAK = 10
PREVIEW_CHAT = "preview"


@dataclass(frozen=True)
class PreviewRequest:
    text: str | None
    lang: Lang
    municipality: str | None = None
    in_service_hours: bool = True
    staff_on_duty: bool = True
    fallback_streak: int = 0

    def check(self) -> None:
        if self.text is not None and not 1 <= len(self.text.strip()) <= MAX_TEXT:
            raise InvalidInput(f"write a message of 1–{MAX_TEXT} characters")
        if self.municipality is not None and len(self.municipality) > MAX_MUNICIPALITY:
            raise InvalidInput(f"municipality: at most {MAX_MUNICIPALITY} characters")
        if not 0 <= self.fallback_streak <= MAX_STREAK:
            raise InvalidInput(f"fallback_streak: 0–{MAX_STREAK}")


class DraftEngines:
    """This process's engine for the newest draft it was asked about (one, by digest)."""

    def __init__(self) -> None:
        self._last: tuple[str, Engine] | None = None
        self._locks: dict[int, asyncio.Lock] = {}

    def _lock(self) -> asyncio.Lock:
        loop = id(asyncio.get_running_loop())  # a lock belongs to one event loop
        if loop not in self._locks:
            self._locks = {loop: asyncio.Lock()}
        return self._locks[loop]

    async def get(self, ctx: ServiceContext, digest: str,
                  content: bot_content.Content) -> Engine:
        last = self._last
        if last is not None and last[0] == digest:
            return last[1]
        async with self._lock():  # one training per draft, however many editors ask
            if self._last is not None and self._last[0] == digest:
                return self._last[1]
            try:
                engine = await bot_content.train_engine(content, ctx.settings.bot_cache_dir)
            except ProjectError as exc:
                raise InvalidInput("the bot cannot use the draft yet: " + "; ".join(
                    f"{p.file}:{p.line}: {p.message}" for p in exc.problems[:5])) from None
            self._last = (digest, engine)
            log.info("preview: draft %s ready", digest[:12])
            return engine


ENGINES = DraftEngines()


async def preview(ctx: ServiceContext, request: PreviewRequest) -> dict[str, Any]:
    request.check()
    draft = await store.read_draft(ctx)
    digest = bot_content.digest(draft.content)
    engine = await ENGINES.get(ctx, digest, draft.content)
    config = await service_config.current(ctx)
    bot = EmbeddedBot(engine=engine, facts=config.facts)
    municipality = (request.municipality or "").strip() or None
    services, places = await directory_bot.bot_directory(ctx, municipality, request.lang)
    bot_ctx = BotContext(
        chat_id=PREVIEW_CHAT, lang=request.lang, in_service_hours=request.in_service_hours,
        service_hours_text=config.hours.describe(request.lang, ctx.clock()),
        fallback_streak=request.fallback_streak,
        staff_on_duty=request.in_service_hours and request.staff_on_duty,
        municipality=municipality, services=services, service_municipalities=places)
    if request.text is None:
        turn = await bot.greet(bot_ctx)
    else:
        turn = await bot.respond(request.text.strip(), bot_ctx)
    return turn_json(turn, digest)


def turn_json(turn: BotTurn, digest: str) -> dict[str, Any]:
    return {
        "replies": [{"text": r.text, "buttons": [{"title": b.title, "payload": b.payload}
                                                 for b in r.buttons]} for r in turn.replies],
        "intent": turn.intent, "confidence": round(float(turn.confidence), 4),
        "safety": turn.safety, "handoff": turn.handoff,
        "fallback_streak": turn.fallback_streak, "draft_digest": digest}
