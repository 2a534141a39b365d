"""The two people's messages. A resident's is checked, rate limited, stored and answered by
the bot while the bot has the chat (or, while queued, read for a safety cue); a chat a person
has starts no bot turn at all. A staff member's is stored only in an active chat assigned to
them, checked under the chat row's lock in the same transaction that stores it."""

from __future__ import annotations

from server.services.bot_turns import run_bot_turn
from server.services.context import ServiceContext
from server.services.message_writer import Stored
from server.services.messages import check_text, store_message
from server.store.models import Staff

BOT_READS = ("bot", "queued")


async def post_resident_message(ctx: ServiceContext, chat_id: str, text: str,
                                client_msg_id: str) -> Stored:
    check_text(text, client_msg_id=client_msg_id)
    stored = await store_message(ctx, chat_id, "resident", text, client_msg_id=client_msg_id,
                                 per_minute=ctx.settings.messages_per_minute)
    if stored.created and stored.chat_state in BOT_READS:
        ctx.in_background(run_bot_turn(ctx, chat_id, text, stored.frame.seq), "bot-turn")
    return stored


async def post_staff_message(ctx: ServiceContext, staff: Staff, chat_id: str, text: str,
                             client_msg_id: str) -> Stored:
    check_text(text, chat_id=chat_id, client_msg_id=client_msg_id)
    return await store_message(ctx, chat_id, "staff", text, client_msg_id=client_msg_id,
                               author_name=staff.display_name, staff_id=staff.id)
