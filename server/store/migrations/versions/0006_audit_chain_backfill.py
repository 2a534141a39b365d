"""audit chain: hash the audit entries written before the chain existed (data only)

Every existing row, oldest first, gets prev_hash/entry_hash exactly as
server/privacy/audit_chain.py computes them (the encoding is copied here so that this
migration stays as it was when it ran). Rows that already have a hash are left alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 04:00:00
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

AUDIT = sa.table(
    'audit_log', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
    sa.column('staff_id', sa.String), sa.column('action', sa.String),
    sa.column('chat_id', sa.String), sa.column('detail', sa.String),
    sa.column('prev_hash', sa.String), sa.column('entry_hash', sa.String))


def _hash(at: datetime, staff_id: str, action: str, chat_id: str | None, detail: str | None,
          prev_hash: str | None) -> str:
    stamp = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    canonical = json.dumps({"at": stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "staff_id": staff_id,
                            "action": action, "chat_id": chat_id, "detail": detail,
                            "prev_hash": prev_hash},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(AUDIT).order_by(AUDIT.c.id)).all()
    prev: str | None = None
    for row in rows:
        if row.entry_hash is not None:
            prev = row.entry_hash
            continue
        digest = _hash(row.at, row.staff_id, row.action, row.chat_id, row.detail, prev)
        bind.execute(sa.update(AUDIT).where(AUDIT.c.id == row.id)
                     .values(prev_hash=prev, entry_hash=digest))
        prev = digest


def downgrade() -> None:
    pass  # the hashes are harmless without the chain code
