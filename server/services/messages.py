"""Storing chat messages: per-chat seq without gaps, idempotent client_msg_id, then publish."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from server.protocol.frames import MAX_TEXT_CHARS, Button, MessageCreated
from server.services.context import ServiceContext, chat_topic
from server.services.errors import ChatClosed, Conflict, NotFound, RateLimited, TooLarge
from server.store.models import Chat, Message, aware


def to_frame(message: Message) -> MessageCreated:
    buttons = [Button(**b) for b in json.loads(message.buttons)] if message.buttons else None
    created = aware(message.created_at)
    assert created is not None
    return MessageCreated(
        chat_id=message.chat_id, seq=message.seq, author=message.author,
        author_name=message.author_name, text=message.text,
        created_at=created.isoformat().replace("+00:00", "Z"), buttons=buttons,
        client_msg_id=message.client_msg_id,
    )


def check_text(text: str, *, chat_id: str | None = None, client_msg_id: str | None = None) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise TooLarge(f"message text is longer than {MAX_TEXT_CHARS} characters",
                       chat_id=chat_id, client_msg_id=client_msg_id)
    return text


async def _existing(ctx: ServiceContext, chat_id: str, client_msg_id: str) -> Message | None:
    async with ctx.db.read() as session:
        result = await session.execute(select(Message).where(
            col(Message.chat_id) == chat_id, col(Message.client_msg_id) == client_msg_id))
        return result.scalar_one_or_none()


def _same_or_conflict(found: Message, text: str) -> MessageCreated:
    if found.text != text:
        raise Conflict("this client_msg_id was already used for a different text",
                       chat_id=found.chat_id, client_msg_id=found.client_msg_id)
    return to_frame(found)


async def post_message(
    ctx: ServiceContext, chat_id: str, author: str, text: str, *,
    client_msg_id: str | None = None, author_name: str | None = None,
    buttons: Sequence[Button] = (), allow_closed: bool = False, per_minute: int | None = None,
) -> tuple[MessageCreated, bool]:
    """Store a message and publish it. Returns (frame, created); created is False for an
    idempotent retry of a message already stored with the same client_msg_id. With
    `per_minute`, new messages of the chat are rate limited; a retry of a stored message is
    answered before the limiter (it costs nothing and must get its ack)."""
    if client_msg_id is not None:
        found = await _existing(ctx, chat_id, client_msg_id)
        if found is not None:
            return _same_or_conflict(found, text), False
    if per_minute is not None and not await ctx.backends.limiter.hit(
            f"msg:{chat_id}", per_minute, 60):
        raise RateLimited("too many messages; wait a moment", chat_id=chat_id,
                          client_msg_id=client_msg_id)
    try:
        message = await _insert(ctx, chat_id, author, text, client_msg_id, author_name,
                                buttons, allow_closed)
    except IntegrityError:
        # A concurrent retry with the same client_msg_id won the race: ack that one.
        found = await _existing(ctx, chat_id, client_msg_id) if client_msg_id else None
        if found is None:
            raise
        return _same_or_conflict(found, text), False
    frame = to_frame(message)
    await ctx.publish(chat_topic(chat_id), frame)
    return frame, True


async def _insert(
    ctx: ServiceContext, chat_id: str, author: str, text: str, client_msg_id: str | None,
    author_name: str | None, buttons: Sequence[Button], allow_closed: bool,
) -> Message:
    async with ctx.db.write() as session:
        # The row lock taken by this UPDATE orders concurrent writers of one chat.
        condition = [col(Chat.id) == chat_id]
        if not allow_closed:
            condition.append(col(Chat.state) != "closed")
        now = ctx.clock()
        result = await session.execute(
            update(Chat).where(*condition).values(last_seq=col(Chat.last_seq) + 1,
                                                  last_activity_at=now)
            .returning(col(Chat.last_seq)))
        seq = result.scalar_one_or_none()
        if seq is None:
            exists = await session.get(Chat, chat_id)
            if exists is None:
                raise NotFound("no such chat", chat_id=chat_id)
            raise ChatClosed("the chat is closed", chat_id=chat_id, client_msg_id=client_msg_id)
        message = Message(
            chat_id=chat_id, seq=seq, author=author, author_name=author_name, text=text,
            client_msg_id=client_msg_id, created_at=now,
            buttons=json.dumps([b.model_dump() for b in buttons]) if buttons else None,
        )
        session.add(message)
        await session.flush()
    return message


async def messages_after(ctx: ServiceContext, chat_id: str, after_seq: int,
                         upto_seq: int | None = None, limit: int = 200) -> list[MessageCreated]:
    """Stored messages with after_seq < seq (<= upto_seq), oldest first, one page."""
    query = select(Message).where(col(Message.chat_id) == chat_id, col(Message.seq) > after_seq)
    if upto_seq is not None:
        query = query.where(col(Message.seq) <= upto_seq)
    async with ctx.db.read() as session:
        result = await session.execute(query.order_by(col(Message.seq)).limit(limit))
        return [to_frame(m) for m in result.scalars()]


async def transcript(ctx: ServiceContext, chat_id: str) -> list[MessageCreated]:
    frames: list[MessageCreated] = []
    while True:
        page = await messages_after(ctx, chat_id, frames[-1].seq if frames else 0, limit=500)
        frames.extend(page)
        if len(page) < 500:
            return frames
