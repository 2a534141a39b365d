"""Bot turns: one at a time per chat (in-process or Redis lock), off the receive path."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import update
from sqlmodel import col

from bot.api import BotContext, BotTurn
from bot.catalogue import CONVERSATION_INTENTS, FALLBACK_INTENT, SAFETY_INTENTS
from bot.texts import unavailable_turn
from server.protocol.frames import Button
from server.services import directory_bot, lifecycle, routing, service_config
from server.services.content import inbox_capture
from server.services.context import ServiceContext
from server.services.errors import InvalidInput
from server.services.messages import post_message
from server.services.presence import answering_recently
from server.services.queue import answering_in
from server.store.models import Chat, Message

log = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 30.0


async def bot_context(ctx: ServiceContext, chat: Chat) -> BotContext:
    """The chat's service queue decides the hours and who is on duty."""
    config = await service_config.current(ctx)
    hours = config.hours_of(chat.queue)
    open_now = hours.is_open(ctx.clock())
    services, places = await directory_bot.bot_directory(ctx, chat.municipality, chat.lang)
    if config.queues.several:
        answering = await answering_in(ctx, config.queues.of(chat.queue).id)
    else:
        answering = await answering_recently(ctx)  # one queue: the cached count
    return BotContext(
        chat_id=chat.id, lang=chat.lang,  # type: ignore[arg-type]
        in_service_hours=open_now,
        service_hours_text=hours.describe(chat.lang, ctx.clock()),
        fallback_streak=chat.fallback_streak,
        staff_on_duty=open_now and answering > 0,
        municipality=chat.municipality, services=services, service_municipalities=places)


def topic_values(chat: Chat, turn: BotTurn) -> dict[str, object]:
    """The chat's topic after a bot turn. A safety intent sticks until the chat is closed;
    otherwise the latest service intent. Conversational intents (greet, affirm, "asked for a
    person" …) and fallbacks never replace a topic."""
    if chat.safety_topic is not None:
        return {}
    if turn.safety and turn.intent in SAFETY_INTENTS:
        return {"topic": turn.intent, "safety_topic": turn.intent}
    if turn.intent and turn.intent not in CONVERSATION_INTENTS and turn.intent != FALLBACK_INTENT:
        return {"topic": turn.intent}
    return {}


async def run_bot_turn(ctx: ServiceContext, chat_id: str, text: str,
                       seq: int | None = None) -> None:
    """Answer one resident message (number `seq`) if the bot still has the chat (or a safety
    cue while queued). Errors are logged and the resident is offered a person, never left
    hanging. The intent and confidence are stored on the resident's message."""
    async with ctx.backends.locks.lock(f"bot:{chat_id}", LOCK_TIMEOUT_S):
        chat = await lifecycle.load_chat(ctx, chat_id)
        if chat.state not in ("bot", "queued"):
            return
        choice = routing.parse_choice(text)
        if choice is not None:  # a service-choice button: queue the chat there
            if chat.state == "bot":
                try:
                    await lifecycle.choose_service(ctx, chat, choice)
                except InvalidInput:
                    log.info("a service choice named no public queue; ignored")
            return
        chat = await directory_bot.remember_municipality(ctx, chat, text)  # a directory button
        turn = await _ask_bot(ctx, chat, text)
        if chat.state == "queued" and not turn.safety:
            return
        await _apply(ctx, chat, turn, seq)
        # Unrecognised questions reach the editors' inbox, anonymised, in the background.
        inbox_capture.after_turn(ctx, chat.id, chat.lang, text, seq, turn)


async def _ask_bot(ctx: ServiceContext, chat: Chat, text: str) -> BotTurn:
    try:
        return await asyncio.wait_for(ctx.bot.respond(text, await bot_context(ctx, chat)),
                                      ctx.settings.bot_timeout_s)
    except Exception as exc:  # the bot must never break the chat
        log.warning("bot turn failed (%s); offering a person", type(exc).__name__)
        return unavailable_turn(chat.lang, chat.fallback_streak)


async def _apply(ctx: ServiceContext, chat: Chat, turn: BotTurn, seq: int | None) -> None:
    values: dict[str, object] = {"fallback_streak": turn.fallback_streak,
                                 **topic_values(chat, turn)}
    async with ctx.db.write() as session:
        await session.execute(update(Chat).where(col(Chat.id) == chat.id).values(values))
        if seq is not None and turn.intent:
            await session.execute(update(Message).where(
                col(Message.chat_id) == chat.id, col(Message.seq) == seq,
                col(Message.author) == "resident").values(
                    intent=turn.intent[:64], confidence=float(turn.confidence),
                    content_version=turn.content_version))
    for reply in turn.replies:
        buttons = [Button(title=b.title, payload=b.payload) for b in reply.buttons]
        await post_message(ctx, chat.id, "bot", reply.text, buttons=buttons)
    # Out of hours a safety turn already told when people are available (handoff=False):
    # no handoff attempt, so no second "closed hours" message. A queued chat gets priority.
    if turn.handoff or (turn.safety and chat.state == "queued"):
        await lifecycle.request_handoff(ctx, chat.id, priority=turn.safety,
                                        announce=not turn.replies)

