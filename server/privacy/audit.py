"""The audit log of staff access: who opened, transferred, exported or consulted which
chat, and lockouts. Records are appended, never changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from server.services.context import ServiceContext
from server.store.models import AuditEntry, Staff, aware


async def audit(ctx: ServiceContext, staff_id: str, action: str, chat_id: str | None,
                detail: str | None = None) -> None:
    async with ctx.db.write() as session:
        session.add(AuditEntry(staff_id=staff_id, action=action, chat_id=chat_id, detail=detail,
                               at=ctx.clock()))


async def entries(ctx: ServiceContext, *, limit: int, before_id: int | None = None,
                  chat_id: str | None = None, username: str | None = None) -> list[dict[str, Any]]:
    """Newest first, one page: entries older than `before_id`, filtered by chat or account."""
    stmt = (select(AuditEntry, col(Staff.username))
            .join(Staff, col(Staff.id) == col(AuditEntry.staff_id), isouter=True)
            .order_by(col(AuditEntry.id).desc()).limit(limit))
    if before_id is not None:
        stmt = stmt.where(col(AuditEntry.id) < before_id)
    if chat_id:
        stmt = stmt.where(col(AuditEntry.chat_id) == chat_id)
    if username:
        stmt = stmt.where(col(Staff.username) == username)
    async with ctx.db.read() as session:
        rows = (await session.execute(stmt)).all()
    return [{"id": entry.id, "at": aware(entry.at).isoformat(),  # type: ignore[union-attr]
             "username": name, "action": entry.action, "chat_id": entry.chat_id,
             "detail": entry.detail} for entry, name in rows]
