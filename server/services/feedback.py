"""Residents' feedback for supervisors: the recent scores and comments, and today's summary.

The comment is free text a resident wrote after the chat: it is anonymised (the same rules
as consultations) before it leaves the server, and no chat id or staff name goes with it,
so the list cannot be tied back to a person or a chat.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from server.privacy import anonymise_off_loop
from server.services import service_config
from server.services.context import ServiceContext
from server.store.models import Chat, Feedback, aware

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


async def recent_feedback(ctx: ServiceContext, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """`{"today": {"count", "average", "scores": {"1": n, …, "5": n}}, "items": [{"created_at",
    "score", "lang", "comment"}]}` — items newest first, at most `limit` (1–200)."""
    limit = max(1, min(MAX_LIMIT, limit))
    config = await service_config.current(ctx)
    now = ctx.clock()
    tz = config.hours.tz
    # Local midnight, in UTC: SQLite compares the stored (UTC) times as text.
    since = datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz).astimezone(UTC)
    async with ctx.db.read() as session:
        rows = (await session.execute(
            select(col(Feedback.created_at), col(Feedback.score), col(Feedback.comment),
                   col(Chat.lang))
            .join(Chat, col(Chat.id) == col(Feedback.chat_id))
            .order_by(col(Feedback.created_at).desc()).limit(limit))).all()
        today = (await session.execute(
            select(col(Feedback.score), func.count()).select_from(Feedback)
            .where(col(Feedback.created_at) >= since).group_by(col(Feedback.score)))).all()
    scores = {str(n): 0 for n in range(1, 6)}
    for score, count in today:
        if str(score) in scores:
            scores[str(score)] = int(count)
    total = sum(scores.values())
    average = sum(int(k) * v for k, v in scores.items()) / total if total else None
    return {
        "today": {"count": total,
                  "average": round(average, 2) if average is not None else None,
                  "scores": scores},
        "items": [{"created_at": aware(created).isoformat()  # type: ignore[union-attr]
                   if created else None,
                   "score": score, "lang": lang,
                   "comment": await anonymise_off_loop(comment, lang) if comment else None}
                  for created, score, comment, lang in rows],
    }
