"""The audit log of staff access: who opened, transferred, exported or consulted which
chat, and lockouts. Records are appended, never changed."""

from __future__ import annotations

from server.services.context import ServiceContext
from server.store.models import AuditEntry


async def audit(ctx: ServiceContext, staff_id: str, action: str, chat_id: str | None,
                detail: str | None = None) -> None:
    async with ctx.db.write() as session:
        session.add(AuditEntry(staff_id=staff_id, action=action, chat_id=chat_id, detail=detail,
                               at=ctx.clock()))
