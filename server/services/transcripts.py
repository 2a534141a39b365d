"""A chat's transcript as a plain-text file for staff (audited as `exported`)."""

from __future__ import annotations

from datetime import datetime

from server.privacy.audit import audit
from server.services import lifecycle, service_config
from server.services.accounts import has_role
from server.services.context import ServiceContext
from server.services.errors import Forbidden
from server.services.messages import transcript
from server.store.models import Staff

AUTHOR_LABELS = {
    "fi": {"resident": "Asukas", "bot": "Botti", "system": "Palvelu", "staff": "Työntekijä"},
    "sv": {"resident": "Invånare", "bot": "Bot", "system": "Tjänsten", "staff": "Anställd"},
    "en": {"resident": "Resident", "bot": "Bot", "system": "Service", "staff": "Staff"},
}


async def export_text(ctx: ServiceContext, staff: Staff, chat_id: str) -> str:
    """Your own active chat, or any chat for a supervisor."""
    chat = await lifecycle.load_chat(ctx, chat_id)
    own = chat.state == "active" and chat.staff_id == staff.id
    if not own and not has_role(staff, "supervisor"):
        raise Forbidden("this chat is not assigned to you", chat_id=chat_id)
    tz = (await service_config.current(ctx)).hours.tz
    labels = AUTHOR_LABELS.get(chat.lang, AUTHOR_LABELS["en"])
    lines = [f"Neuvo {chat.id} ({chat.lang})", ""]
    for message in await transcript(ctx, chat_id):
        stamp = datetime.fromisoformat(message.created_at).astimezone(tz)
        who = labels.get(message.author, message.author)
        if message.author == "staff" and message.author_name:
            who = f"{who} ({message.author_name})"
        lines.append(f"[{stamp:%Y-%m-%d %H:%M}] {who}: {message.text}")
    await audit(ctx, staff.id, "exported", chat_id)
    return "\n".join(lines) + "\n"
