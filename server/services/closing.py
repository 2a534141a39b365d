"""Ending a chat: by the staff member with its tags (or tagging one the resident ended), or
by the resident. Both hand the chat to the statistics."""

from __future__ import annotations

import json
import logging

from sqlmodel import col

from bot.catalogue import TAG_TOPICS
from server.privacy import chat_stats
from server.protocol.frames import ChatReleased, ChatStateFrame
from server.services import lifecycle, texts
from server.services.context import ServiceContext, chat_topic, staff_topic
from server.services.errors import Conflict, InvalidInput
from server.services.messages import post_message
from server.services.queue import publish_queue
from server.store.models import Chat, Staff

log = logging.getLogger(__name__)


async def close_by_staff(ctx: ServiceContext, staff: Staff, chat_id: str, topics: list[str],
                         outcome: str, referred_to: str | None) -> None:
    """Close an active chat with its tags, or tag one the resident ended while it was yours."""
    unknown = [t for t in topics if t not in TAG_TOPICS]
    if unknown:
        raise InvalidInput(f"unknown topic {unknown[0][:64]!r}: use intent names or 'other'",
                           chat_id=chat_id)
    tags = {"tag_topics": json.dumps(sorted(set(topics))), "outcome": outcome,
            "referred_to": referred_to}
    chat = await lifecycle.load_chat(ctx, chat_id)
    if chat.state == "closed" and chat.closed_by == "resident" and chat.staff_id == staff.id:
        if not await lifecycle.transition(ctx, chat_id, [
                col(Chat.state) == "closed", col(Chat.staff_id) == staff.id,
                col(Chat.outcome).is_(None)], tags):
            raise Conflict("the chat is already tagged", chat_id=chat_id)
        await ctx.publish(staff_topic(staff.id), ChatReleased(chat_id=chat_id, reason="closed"))
        chat_stats.schedule(ctx, chat_id)  # the tags reach the statistics row too
        return
    chat = await lifecycle.owned_chat(ctx, staff, chat_id)
    if not await lifecycle.transition(
            ctx, chat_id, [col(Chat.state) == "active", col(Chat.staff_id) == staff.id],
            {"state": "closed", "closed_at": ctx.clock(), "closed_by": "staff", **tags}):
        raise Conflict("the chat changed while closing", chat_id=chat_id)
    log.info("chat closed by staff %s", staff.id, extra={"chat": chat_id})
    await post_message(ctx, chat_id, "system", texts.text("closed_by_staff", chat.lang),
                       allow_closed=True)
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="closed",
                                                          reason="closed_by_staff"))
    await ctx.publish(staff_topic(staff.id), ChatReleased(chat_id=chat_id, reason="closed"))
    chat_stats.schedule(ctx, chat_id)


async def close_by_resident(ctx: ServiceContext, chat_id: str) -> None:
    chat = await lifecycle.load_chat(ctx, chat_id)
    if chat.state == "closed":
        return
    if not await lifecycle.transition(ctx, chat_id, [col(Chat.state) == chat.state], {
            "state": "closed", "closed_at": ctx.clock(), "closed_by": "resident"}):
        return await close_by_resident(ctx, chat_id)
    log.info("chat closed by the resident", extra={"chat": chat_id})
    await post_message(ctx, chat_id, "system", texts.text("closed_by_resident", chat.lang),
                       allow_closed=True)
    await ctx.publish(chat_topic(chat_id), ChatStateFrame(chat_id=chat_id, state="closed",
                                                          reason="closed_by_resident"))
    chat_stats.schedule(ctx, chat_id)
    if chat.state == "queued":
        await publish_queue(ctx)
