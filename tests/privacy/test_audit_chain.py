"""The audit log's hash chain: `neuvo audit verify` passes an untouched chain and names the
first broken entry after a row is edited, deleted or inserted; pruning keeps it verifiable;
migration 0006 hashes rows written before the chain existed. Both databases."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlmodel import col

from server.config import Settings, to_async_url
from server.privacy import audit_chain, commands
from server.privacy.audit import STATISTICS_EXPORTED, audit, prune
from server.store import migrate
from server.store.models import AuditEntry
from tests.privacy.privacy_helpers import KINDS, Clock, cli_env, context, database
from tests.processes import run_cli


@pytest.fixture(params=KINDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    with database(request.param, tmp_path) as chosen:
        yield chosen


async def _write(settings: Settings, clock: Clock, count: int, every_days: float = 1) -> None:
    async with context(settings, clock) as ctx:
        for n in range(count):
            await audit(ctx, "s1", "accept" if n % 2 else STATISTICS_EXPORTED, f"c{n}",
                        "détail ä" if n == 2 else None)
            clock.advance(days=every_days)


def _cli_verify(settings: Settings) -> tuple[int, dict[str, object], str]:
    """The real command in its own process."""
    done = run_cli(["audit", "verify"], cli_env(settings))
    return done.returncode, json.loads(done.stdout), done.stderr


async def _verify(settings: Settings) -> tuple[int, dict[str, object], str]:
    """The command's code in this process (a process start costs seconds here)."""
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(command="audit", audit_command="verify")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = await commands.main(args, settings)
    return code, json.loads(out.getvalue()), err.getvalue()


async def _sql(settings: Settings, statement: object) -> None:
    async with context(settings) as ctx, ctx.db.write() as session:
        await session.execute(statement)  # type: ignore[call-overload]


async def test_untouched_chain_verifies(settings: Settings) -> None:
    await _write(settings, Clock(), 6)
    code, verdict, _ = _cli_verify(settings)
    assert code == 0
    assert verdict["ok"] is True and verdict["entries"] == 6
    assert isinstance(verdict["last_hash"], str) and len(verdict["last_hash"]) == 64


async def test_edited_row_is_named(settings: Settings) -> None:
    await _write(settings, Clock(), 6)
    await _sql(settings, update(AuditEntry).where(col(AuditEntry.id) == 3)
               .values(action="opened"))
    code, verdict, err = _cli_verify(settings)
    assert code == 1 and verdict["broken_id"] == 3
    assert "entry 3" in err and "changed" in err


async def test_deleted_row_breaks_at_the_next(settings: Settings) -> None:
    await _write(settings, Clock(), 6)
    await _sql(settings, delete(AuditEntry).where(col(AuditEntry.id) == 4))
    code, verdict, err = await _verify(settings)
    assert code == 1 and verdict["broken_id"] == 5
    assert "does not follow entry 3" in err


async def test_inserted_row_is_named(settings: Settings) -> None:
    clock = Clock()
    await _write(settings, clock, 5)
    # Make room in the middle, keeping the order: the chain still verifies.
    await _sql(settings, update(AuditEntry).where(col(AuditEntry.id) >= 4)
               .values(id=col(AuditEntry.id) + 100))
    assert (await _verify(settings))[0] == 0
    async with context(settings) as ctx, ctx.db.read() as session:
        third = (await session.execute(select(AuditEntry).where(col(AuditEntry.id) == 3))).scalar_one()
    at = datetime(2026, 11, 4, 12, tzinfo=UTC)
    # A forged row with a made-up hash is named itself.
    await _sql(settings, text("INSERT INTO audit_log (id, at, staff_id, action, prev_hash, entry_hash)"
                              " VALUES (50, :at, 's2', 'accept', :prev, :hash)")
               .bindparams(at=at, prev=third.entry_hash, hash="0" * 64))
    code, verdict, err = await _verify(settings)
    assert code == 1 and verdict["broken_id"] == 50 and "entry 50" in err
    # One whose hash was computed correctly breaks the chain at the entry after it.
    await _sql(settings, update(AuditEntry).where(col(AuditEntry.id) == 50).values(
        entry_hash=audit_chain.entry_hash(at, "s2", "accept", None, None, third.entry_hash)))
    code, verdict, err = await _verify(settings)
    assert code == 1 and verdict["broken_id"] == 104 and "does not follow entry 50" in err


async def test_pruning_keeps_the_chain_verifiable(settings: Settings) -> None:
    clock = Clock()
    await _write(settings, clock, 10, every_days=100)  # days 0, 100, …, 900
    clock.advance(days=1826 - 1000 + 450)  # now = day 1826 + 450: entries before day 450 go
    async with context(settings, clock) as ctx:
        assert await prune(ctx) == 5
        assert await prune(ctx) == 0  # only from the old end, nothing more to do
        await audit(ctx, "s1", "accept", "c99")
        async with ctx.db.read() as session:
            rows = list((await session.execute(select(AuditEntry).order_by(col(AuditEntry.id)))).scalars())
    assert [r.chat_id for r in rows[:5]] == ["c5", "c6", "c7", "c8", "c9"]
    assert rows[5].action == "audit_pruned" and json.loads(rows[5].detail or "")["count"] == 5
    code, verdict, _ = await _verify(settings)
    assert code == 0 and verdict["entries"] == 7
    # Removing the oldest remaining entry now is noticed (the pruning record is the anchor).
    await _sql(settings, delete(AuditEntry).where(col(AuditEntry.id) == rows[0].id))
    code, verdict, err = await _verify(settings)
    assert code == 1 and verdict["broken_id"] == rows[1].id and "old end" in err


async def test_when_everything_is_old_the_newest_stays(settings: Settings) -> None:
    clock = Clock()
    await _write(settings, clock, 3)
    clock.advance(days=4000)
    async with context(settings, clock) as ctx:
        assert await prune(ctx) == 2  # the newest stays: ids keep growing (SQLite reuses them)
        await audit(ctx, "s1", "accept", "c9")
    code, verdict, _ = await _verify(settings)
    assert code == 0 and verdict["entries"] == 3


async def test_0006_hashes_rows_written_before_the_chain(tmp_path: Path) -> None:
    import sqlite3

    url = to_async_url(f"sqlite:///{tmp_path / 'old.db'}")
    await asyncio.to_thread(migrate.upgrade, url, "0005")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        for n in range(3):
            conn.execute("INSERT INTO audit_log (at, staff_id, action, chat_id) VALUES "
                         "(?, 's1', 'accept', ?)", (f"2026-11-0{n + 1} 10:00:00.123456", f"c{n}"))
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(dev=True, database_url=f"sqlite:///{tmp_path / 'old.db'}")
    code, verdict, _ = await _verify(settings)
    assert code == 0 and verdict["entries"] == 3
