"""Chat messages: store (group commit in message_writer), rate limit, read back in order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import col

from server.protocol.frames import MAX_TEXT_CHARS, Button, MessageCreated
from server.services.context import ServiceContext
from server.services.errors import Conflict, RateLimited, TooLarge
from server.services.message_writer import NewMessage, Stored, frame_of
from server.store.models import Message


def to_frame(message: Message) -> MessageCreated:
    return frame_of(message.chat_id, message.seq, message.author, message.author_name,
                    message.text, message.created_at, message.buttons, message.client_msg_id)


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


async def store_message(
    ctx: ServiceContext, chat_id: str, author: str, text: str, *,
    client_msg_id: str | None = None, author_name: str | None = None,
    buttons: Sequence[Button] = (), allow_closed: bool = False, per_minute: int | None = None,
    staff_id: str | None = None,
) -> Stored:
    """Store a message (with the process's next group commit) and publish it. A retry of a
    client_msg_id already stored returns that message with created=False (Conflict when
    the text differs). With `per_minute`, new messages of the chat are rate limited; a
    resend of a stored message is never refused (it must get its ack) and is not counted."""
    if per_minute is not None and not await ctx.backends.limiter.hit(
            f"msg:{chat_id}", per_minute, 60):
        found = await _existing(ctx, chat_id, client_msg_id) if client_msg_id else None
        if found is None:
            raise RateLimited("too many messages; wait a moment", chat_id=chat_id,
                              client_msg_id=client_msg_id)
        if found.text != text:
            raise Conflict("this client_msg_id was already used for a different text",
                           chat_id=chat_id, client_msg_id=client_msg_id)
        return Stored(to_frame(found), False, "")
    stored = await ctx.writer.write(ctx, NewMessage(
        chat_id, author, text, client_msg_id=client_msg_id, author_name=author_name,
        buttons=buttons, allow_closed=allow_closed, staff_id=staff_id))
    if per_minute is not None and not stored.created:
        # A resend of a stored message costs nothing: the event counted above is undone
        # (looking the message up before the limiter would cost every message a query).
        await ctx.backends.limiter.give_back(f"msg:{chat_id}", 60)
    return stored


async def post_message(
    ctx: ServiceContext, chat_id: str, author: str, text: str, *,
    client_msg_id: str | None = None, author_name: str | None = None,
    buttons: Sequence[Button] = (), allow_closed: bool = False, per_minute: int | None = None,
) -> tuple[MessageCreated, bool]:
    """store_message, answered as (frame, created)."""
    stored = await store_message(ctx, chat_id, author, text, client_msg_id=client_msg_id,
                                 author_name=author_name, buttons=buttons,
                                 allow_closed=allow_closed, per_minute=per_minute)
    return stored.frame, stored.created


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
