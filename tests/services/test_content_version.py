"""Each bot turn records the content version that answered it (issue 12): on the resident's
message, and on its statistics turn after the chat ends, so the statistics can tell which
version misunderstood what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.api import BotContext, BotReply, BotTurn
from server.privacy import chat_stats
from server.services import bot_turns, closing
from server.services.content.live import LiveBot
from server.services.messages import post_message
from server.store.models import Message
from server.store.models_stats import StatsMessage
from tests.services.conftest import Services


class VersionedBot:
    """The one thing under test is what the server does with the version a bot reports."""

    def __init__(self, version: int) -> None:
        self.version = version

    async def greet(self, ctx: BotContext) -> BotTurn:
        return BotTurn(replies=(BotReply("Hei!"),), content_version=self.version)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        return BotTurn(replies=(BotReply("En ymmärtänyt."),), intent="nlu_fallback",
                       confidence=0.2, content_version=self.version)

    async def close(self) -> None:
        return None


async def test_the_answering_version_is_kept_on_the_message_and_its_statistics(
        svc: Services) -> None:
    chat_id = await svc.chat()
    svc.ctx.bot = VersionedBot(7)
    stored, _ = await post_message(svc.ctx, chat_id, "resident", "mikä on kela-kortti")
    await bot_turns.run_bot_turn(svc.ctx, chat_id, "mikä on kela-kortti", stored.seq)
    async with svc.ctx.db.read() as session:
        message = (await session.execute(select(Message).where(
            col(Message.chat_id) == chat_id, col(Message.seq) == stored.seq))).scalar_one()
    assert (message.intent, message.content_version) == ("nlu_fallback", 7)
    await closing.close_by_resident(svc.ctx, chat_id)
    await chat_stats.sync(svc.ctx, chat_id)
    async with svc.ctx.db.read() as session:
        turns = (await session.execute(select(StatsMessage).where(
            col(StatsMessage.chat_id) == chat_id).order_by(col(StatsMessage.seq)))).scalars().all()
    by_author: dict[str, Any] = {t.author: t for t in turns}
    assert by_author["resident"].content_version == 7
    assert by_author["bot"].content_version is None  # only what the bot read carries it


async def test_the_live_bot_reports_its_published_version() -> None:
    live = LiveBot({})
    live._bot = VersionedBot(0)  # type: ignore[assignment]  # the engine of version 3
    live.version = 3
    ctx = BotContext(chat_id="c", lang="fi", in_service_hours=True, service_hours_text="")
    assert (await live.respond("hei", ctx)).content_version == 3
