"""Resident chats: creation, authentication, reading state, typing/read relays, feedback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import uuid

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from server import vocabulary
from server.privacy import chat_stats
from server.protocol.frames import Button, ReadFrame, TypingFrame
from server.services.context import ServiceContext, chat_topic
from server.services.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from server.services.messages import post_message
from server.services.tokens import hash_token
from server.store.models import Chat, Feedback

log = logging.getLogger(__name__)
LANGS = vocabulary.LANGS


def client_key(ctx: ServiceContext, address: str) -> str:
    """A keyed hash of a client address: counters never hold the address itself."""
    return hmac.new(ctx.settings.secret, address.encode(), hashlib.sha256).hexdigest()[:32]


async def create_chat(ctx: ServiceContext, lang: str, municipality: str | None,
                      client_address: str, queue: str | None = None) -> tuple[Chat, str]:
    """Open an anonymous chat; returns the chat and the resident token (shown once).
    `queue` is the entry point (the widget's data-queue); without it the general door."""
    from server.services import queues, service_config

    if lang not in LANGS:
        raise InvalidInput(f"lang must be one of {vocabulary.one_of(LANGS)}")
    entry = queues.check_queue_id((await service_config.current(ctx)).queues, queue)
    if municipality is not None and not (1 <= len(municipality.strip()) <= 100):
        raise InvalidInput("municipality must be 1–100 characters")
    allowed = await ctx.backends.limiter.hit(
        f"create:{client_key(ctx, client_address)}", ctx.settings.chat_create_per_minute, 60)
    if not allowed:
        raise RateLimited("too many new chats from this address; try again in a minute")
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    chat = Chat(id=uuid.uuid4().hex, token_hash=hash_token(token), lang=lang,
                municipality=municipality.strip() if municipality else None,
                created_at=now, last_activity_at=now, queue=entry, entry_queue=entry)
    async with ctx.db.write() as session:
        session.add(chat)
    await greet(ctx, chat)
    return chat, token


async def greet(ctx: ServiceContext, chat: Chat) -> None:
    """Post the bot's opening turn. Chat creation never waits long on the bot: after
    NEUVO_GREETING_TIMEOUT_S (at most the bot timeout) or on an error, a fixed greeting
    with the "talk to a person" button is posted instead."""
    from bot.minimal import MinimalBot
    from server.services.bot_turns import bot_context

    bot_ctx = await bot_context(ctx, chat)
    limit = min(ctx.settings.greeting_timeout_s, ctx.settings.bot_timeout_s)
    try:
        turn = await asyncio.wait_for(ctx.bot.greet(bot_ctx), limit)
    except Exception as exc:  # the bot must never block or break chat creation
        log.warning("bot greeting failed (%s); fixed greeting", type(exc).__name__)
        turn = await MinimalBot().greet(bot_ctx)
    for reply in turn.replies:
        buttons = [Button(title=b.title, payload=b.payload) for b in reply.buttons]
        await post_message(ctx, chat.id, "bot", reply.text, buttons=buttons)


async def get_chat(ctx: ServiceContext, chat_id: str) -> Chat:
    async with ctx.db.read() as session:
        chat = await session.get(Chat, chat_id)
    if chat is None:
        raise NotFound("no such chat", chat_id=chat_id)
    return chat


async def authenticate_resident(ctx: ServiceContext, chat_id: str, token: str) -> Chat:
    async with ctx.db.read() as session:
        chat = await session.get(Chat, chat_id)
    if chat is None or not hmac.compare_digest(chat.token_hash, hash_token(token)):
        raise Unauthorized("unknown chat or wrong token", chat_id=chat_id)
    return chat


async def relay_typing(ctx: ServiceContext, chat_id: str, author: str, active: bool) -> None:
    await ctx.publish(chat_topic(chat_id),
                      TypingFrame(chat_id=chat_id, author=author, active=active))


async def mark_read(ctx: ServiceContext, chat_id: str, by: str, seq: int) -> None:
    """Record how far `by` (resident or staff) has read and tell the other side."""
    column = col(Chat.resident_read_seq) if by == "resident" else col(Chat.staff_read_seq)
    async with ctx.db.write() as session:
        result = await session.execute(
            update(Chat).where(col(Chat.id) == chat_id, column < seq, col(Chat.last_seq) >= seq)
            .values({column: seq}))
    if result.rowcount:  # type: ignore[attr-defined]
        await ctx.publish(chat_topic(chat_id),
                          ReadFrame(chat_id=chat_id, seq=seq, by=by))


async def submit_feedback(ctx: ServiceContext, chat_id: str, score: int,
                          comment: str | None) -> None:
    chat = await get_chat(ctx, chat_id)
    if chat.state != "closed":
        raise Conflict("feedback can be given after the chat has ended", chat_id=chat_id)
    try:
        async with ctx.db.write() as session:
            session.add(Feedback(chat_id=chat_id, score=score,
                                 comment=(comment or "").strip() or None, created_at=ctx.clock()))
    except IntegrityError:
        raise Conflict("feedback was already given for this chat", chat_id=chat_id) from None
    chat_stats.schedule(ctx, chat_id)  # the score (never the comment) joins the statistics

