"""The audit log's hash chain: each entry's `entry_hash` is SHA-256 over a canonical encoding
of its fields and the previous entry's hash (`prev_hash`), so a changed, removed or inserted
row breaks the chain at that point.

Appends are serialised across processes (a PostgreSQL advisory transaction lock; SQLite has
one writer and the database layer already serialises writes in-process). Pruning removes only
the oldest entries and records the anchor (the hash the first remaining entry points to) in a
new `audit_pruned` entry, so the remaining chain still verifies and a removed head is noticed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.store.models import AuditEntry, aware

ADVISORY_KEY = 7_271_590_311  # pg_advisory_xact_lock key for appends to audit_log
PRUNED = "audit_pruned"
SYSTEM = "system"


def _stamp(value: datetime) -> str:
    stamp = aware(value)
    assert stamp is not None
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(at: datetime, staff_id: str, action: str, chat_id: str | None,
               detail: str | None, prev_hash: str | None) -> str:
    """SHA-256 (hex) over sorted-key compact JSON of the fields and the previous hash."""
    canonical = json.dumps({"at": _stamp(at), "staff_id": staff_id, "action": action,
                            "chat_id": chat_id, "detail": detail, "prev_hash": prev_hash},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def lock_chain(session: AsyncSession) -> None:
    """Serialise appends across processes for the rest of this transaction (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})


async def append(session: AsyncSession, *, at: datetime, staff_id: str, action: str,
                 chat_id: str | None = None, detail: str | None = None) -> AuditEntry:
    """Add one chained entry inside the caller's write transaction."""
    await lock_chain(session)
    prev = (await session.execute(select(col(AuditEntry.entry_hash))
                                  .order_by(col(AuditEntry.id).desc()).limit(1))).scalar()
    entry = AuditEntry(at=at, staff_id=staff_id, action=action, chat_id=chat_id, detail=detail,
                       prev_hash=prev,
                       entry_hash=entry_hash(at, staff_id, action, chat_id, detail, prev))
    session.add(entry)
    await session.flush()
    return entry


@dataclass
class Verdict:
    ok: bool
    count: int
    last_hash: str | None = None
    broken_id: int | None = None
    reason: str = ""


def _anchor(detail: str | None) -> tuple[int, str | None] | None:
    try:
        data = json.loads(detail or "")
        return int(data["through_id"]), data["anchor"]
    except (ValueError, KeyError, TypeError):
        return None


async def verify(session: AsyncSession, batch: int = 5000) -> Verdict:
    """Walk the whole chain oldest first; stop at the first broken entry."""
    anchor: tuple[int, str | None] | None = None
    latest_prune = (await session.execute(
        select(AuditEntry).where(col(AuditEntry.action) == PRUNED)
        .order_by(col(AuditEntry.id).desc()).limit(1))).scalar()
    if latest_prune is not None:
        anchor = _anchor(latest_prune.detail)
    count, last_id, prev_hash = 0, 0, None
    while True:
        rows = list((await session.execute(
            select(AuditEntry).where(col(AuditEntry.id) > last_id)
            .order_by(col(AuditEntry.id)).limit(batch))).scalars())
        for row in rows:
            problem = _check(row, count, prev_hash, last_id, anchor)
            if problem:
                return Verdict(False, count, prev_hash, row.id, problem)
            count, last_id, prev_hash = count + 1, row.id or 0, row.entry_hash
        if len(rows) < batch:
            return Verdict(True, count, prev_hash)


def _check(row: AuditEntry, index: int, prev_hash: str | None, prev_id: int,
           anchor: tuple[int, str | None] | None) -> str:
    if row.entry_hash is None:
        return "entry has no hash (written outside the audit chain)"
    expected = entry_hash(row.at, row.staff_id, row.action, row.chat_id, row.detail,
                          row.prev_hash)
    if expected != row.entry_hash:
        return "entry was changed or inserted (its hash does not match its contents)"
    if index == 0:
        want = anchor[1] if anchor else None
        if anchor and (row.id or 0) <= anchor[0]:
            return "the pruning record does not match the first remaining entry"
        if row.prev_hash != want:
            return ("the first entry does not follow the last pruned one: entries at the old "
                    "end were removed" if anchor else
                    "the first entry points to a previous entry that is missing")
        return ""
    if row.prev_hash != prev_hash:
        return (f"entry does not follow entry {prev_id}: an entry between them was removed "
                "or inserted, or one was changed")
    return ""


def prune_detail(through_id: int, anchor: str | None, count: int) -> str:
    return json.dumps({"through_id": through_id, "anchor": anchor, "count": count},
                      separators=(",", ":"))


def as_dict(verdict: Verdict) -> dict[str, Any]:
    return {"ok": verdict.ok, "entries": verdict.count, "last_hash": verdict.last_hash,
            "broken_id": verdict.broken_id, "reason": verdict.reason or None}
