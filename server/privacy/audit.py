"""The audit log of staff access: who opened, transferred, exported or consulted which
chat, and lockouts. Records are appended to a hash chain (`audit_chain.py`), never changed;
only the oldest are pruned after NEUVO_AUDIT_RETENTION_DAYS."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import col

from server.privacy import audit_chain
from server.services.context import ServiceContext
from server.store.models import AuditEntry, Staff, aware

log = logging.getLogger(__name__)

# Action names (the console shows them as they are). Others may use these constants.
OPENED, TRANSFERRED, EXPORTED, CONSULTED = "accept", "transfer", "exported", "consulted"
STATISTICS_EXPORTED = "statistics_exported"
LOGIN_LOCKED = "login_locked"


async def audit(ctx: ServiceContext, staff_id: str, action: str, chat_id: str | None,
                detail: str | None = None) -> None:
    async with ctx.db.write() as session:
        await audit_chain.append(session, at=ctx.clock(), staff_id=staff_id, action=action,
                                 chat_id=chat_id, detail=detail)


async def prune(ctx: ServiceContext) -> int:
    """Delete entries older than NEUVO_AUDIT_RETENTION_DAYS, only from the old end (every
    entry before the first one that is still kept; the newest always stays), and record the anchor in an
    `audit_pruned` entry so the rest of the chain still verifies. Returns how many went."""
    cutoff = ctx.clock() - timedelta(days=ctx.settings.audit_retention_days)
    async with ctx.db.write() as session:
        await audit_chain.lock_chain(session)
        first_kept = (await session.execute(
            select(func.min(col(AuditEntry.id))).where(col(AuditEntry.at) >= cutoff))).scalar()
        # The newest entry always stays: SQLite reuses the ids of an emptied table.
        first_kept = first_kept or (await session.execute(
            select(func.max(col(AuditEntry.id))))).scalar()
        through = (await session.execute(
            select(AuditEntry).where(col(AuditEntry.at) < cutoff,
                                     *([col(AuditEntry.id) < first_kept] if first_kept else []))
            .order_by(col(AuditEntry.id).desc()).limit(1))).scalar()
        if through is None or through.id is None:
            return 0
        gone = (await session.execute(
            delete(AuditEntry).where(col(AuditEntry.id) <= through.id))).rowcount  # type: ignore[attr-defined]
        await audit_chain.append(
            session, at=ctx.clock(), staff_id=audit_chain.SYSTEM, action=audit_chain.PRUNED,
            detail=audit_chain.prune_detail(through.id, through.entry_hash, int(gone)))
    log.info("pruned %d audit entries older than %d days", gone, ctx.settings.audit_retention_days)
    return int(gone)


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
