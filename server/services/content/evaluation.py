"""Train and evaluate the draft beside the published version, in the background.

One button starts a run: a child process (`bot/evaluate_content.py`, lowest CPU priority, so
chats never wait for it) cross-validates the draft and the published version, runs the
fixed safety regression set and the county's own test set on each, and streams its
progress. The run's row in `content_evaluations` holds the progress and the result, so any
server process can show them. The published version's result is reused from an earlier
run of the same content and test set. A run whose process stopped (a restart) is shown as
interrupted once its row has not moved for STALE_S seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from bot import content as bot_content
from server.services.content import store, testset
from server.services.context import ServiceContext
from server.services.errors import NotFound
from server.store.models import aware, utcnow
from server.store.models_review import ContentEvaluation

log = logging.getLogger(__name__)
STALE_S = 180.0
# A worse candidate: this much lower accuracy or macro F1 than the published version (the
# folds are seeded, so the same content always scores the same).
WORSE_BY = 0.005


async def start(ctx: ServiceContext, staff: str) -> dict[str, Any]:
    """Start evaluating the draft (or return the run already in progress)."""
    running = await _running(ctx)
    if running is not None:
        return view(running, None)
    draft = await store.read_draft(ctx)
    published_version = await store.latest_version(ctx)
    published = await store.version_content(ctx, published_version)
    tests = await testset.current(ctx)
    reuse = None
    if published is not None:
        reuse = await _done_for(ctx, bot_content.digest(published), tests.digest if tests else None)
    folds = ctx.settings.editor_cv_folds
    job = {"contents": {"candidate": draft.content,
                        "published": published if reuse is None else None},
           "testset": tests.items if tests else None, "folds": folds,
           "cache": str(ctx.settings.bot_cache_dir) if ctx.settings.bot_cache_dir else None}
    runs = 1 + (published is not None and reuse is None)
    async with ctx.db.write() as session:
        row = ContentEvaluation(digest=bot_content.digest(draft.content),
                                published_version=published_version or None,
                                testset_digest=tests.digest if tests else None, state="running",
                                total=runs * (folds + 1), stage="starting", started_by=staff)
        session.add(row)
        await session.flush()
        run_id = int(row.id or 0)
    ctx.in_background(_run(ctx, run_id, job, reuse), f"content-evaluation-{run_id}")
    log.info("content evaluation %d started", run_id)
    return await get(ctx, run_id)


async def get(ctx: ServiceContext, run_id: int) -> dict[str, Any]:
    async with ctx.db.read() as session:
        row = await session.get(ContentEvaluation, run_id)
    if row is None:
        raise NotFound(f"no evaluation {run_id}")
    return view(row, await _draft_digest(ctx))


async def latest(ctx: ServiceContext) -> dict[str, Any] | None:
    async with ctx.db.read() as session:
        row = await session.scalar(select(ContentEvaluation).order_by(
            col(ContentEvaluation.id).desc()).limit(1))
    return None if row is None else view(row, await _draft_digest(ctx))


async def result_for(ctx: ServiceContext, digest: str) -> dict[str, Any] | None:
    """The newest finished result of a run on exactly this draft content."""
    row = await _done_for(ctx, digest, None, any_testset=True)
    return None if row is None else dict(json.loads(row.result or "{}"))


async def accuracy_by_intent(ctx: ServiceContext) -> dict[str, Any]:
    """Per-intent recall of the newest finished run (the intent list's accuracy column)."""
    async with ctx.db.read() as session:
        row = await session.scalar(select(ContentEvaluation).where(
            col(ContentEvaluation.state) == "done").order_by(
            col(ContentEvaluation.id).desc()).limit(1))
    if row is None:
        return {"evaluated_at": None, "matches_draft": False, "intents": {}}
    candidate = (json.loads(row.result or "{}").get("candidate") or {})
    return {"evaluated_at": store.iso(row.finished_at),
            "matches_draft": row.digest == await _draft_digest(ctx),
            "intents": {name: item["recall"] for name, item in
                        (candidate.get("per_intent") or {}).items()}}


def compare(result: dict[str, Any]) -> dict[str, Any]:
    """The candidate against the published version: differences and whether it is worse."""
    candidate, published = result.get("candidate") or {}, result.get("published")
    if not published:
        return {"accuracy": None, "macro_f1": None, "testset_accuracy": None, "worse": False}
    delta = {key: round(candidate[key] - published[key], 4) for key in ("accuracy", "macro_f1")}
    tests = (candidate.get("testset") or {}, published.get("testset") or {})
    delta["testset_accuracy"] = (round(tests[0]["accuracy"] - tests[1]["accuracy"], 4)
                                 if tests[0] and tests[1] else None)
    worse = any(value is not None and value < -WORSE_BY for value in delta.values())
    return {**delta, "worse": worse}


def view(row: ContentEvaluation, draft_digest: str | None) -> dict[str, Any]:
    state = row.state
    if state == "running" and _stale(row):
        state = "interrupted"
    result = json.loads(row.result) if row.result else None
    return {"id": row.id, "state": state, "done": row.done, "total": row.total,
            "stage": row.stage, "started_by": row.started_by,
            "started_at": store.iso(row.started_at), "finished_at": store.iso(row.finished_at),
            "digest": row.digest, "matches_draft": row.digest == draft_digest,
            "published_version": row.published_version, "error": row.error,
            "result": result, "comparison": compare(result) if result else None}


async def _run(ctx: ServiceContext, run_id: int, job: dict[str, Any],
               reuse: ContentEvaluation | None) -> None:
    with tempfile.TemporaryDirectory(prefix="neuvo-eval-") as tmp:
        path = Path(tmp) / "job.json"
        path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.evaluate_content", str(path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, limit=2**24)
        try:
            result = await _follow(ctx, run_id, proc)
        except asyncio.CancelledError:
            with suppress(ProcessLookupError):
                proc.kill()
            await _finish(ctx, run_id, "failed", error="interrupted: the server stopped")
            raise
        except Exception as exc:
            log.warning("content evaluation %d failed (%s)", run_id, type(exc).__name__)
            await _finish(ctx, run_id, "failed", error=str(exc)[-2000:])
            return
    if reuse is not None and reuse.result:
        result["published"] = json.loads(reuse.result).get("candidate")
    await _finish(ctx, run_id, "done", result=result)
    log.info("content evaluation %d done", run_id)


async def _follow(ctx: ServiceContext, run_id: int,
                  proc: asyncio.subprocess.Process) -> dict[str, Any]:
    assert proc.stdout is not None and proc.stderr is not None
    result: dict[str, Any] | None = None
    errors = asyncio.ensure_future(proc.stderr.read())
    async for line in proc.stdout:
        doc = json.loads(line)
        if "result" in doc:
            result = doc["result"]
            continue
        async with ctx.db.write() as session:
            await session.execute(update(ContentEvaluation).where(
                col(ContentEvaluation.id) == run_id).values(
                done=int(doc["done"]), stage=str(doc["stage"])[:200], updated_at=utcnow()))
    code = await proc.wait()
    err = (await errors).decode("utf-8", "replace").strip()
    if code != 0 or result is None:
        raise RuntimeError(err[-2000:] or f"the evaluation stopped (exit {code})")
    return result


async def _finish(ctx: ServiceContext, run_id: int, state: str, *,
                  result: dict[str, Any] | None = None, error: str | None = None) -> None:
    values: dict[str, Any] = {"state": state, "updated_at": utcnow(), "finished_at": utcnow(),
                              "error": error}
    if result is not None:
        values.update(result=json.dumps(result, ensure_ascii=False), stage="done")
    async with ctx.db.write() as session:
        await session.execute(update(ContentEvaluation).where(
            col(ContentEvaluation.id) == run_id).values(values))


async def _running(ctx: ServiceContext) -> ContentEvaluation | None:
    async with ctx.db.read() as session:
        row = await session.scalar(select(ContentEvaluation).where(
            col(ContentEvaluation.state) == "running").order_by(
            col(ContentEvaluation.id).desc()).limit(1))
    return None if row is None or _stale(row) else row


async def _done_for(ctx: ServiceContext, digest: str, testset_digest: str | None,
                    any_testset: bool = False) -> ContentEvaluation | None:
    query = select(ContentEvaluation).where(col(ContentEvaluation.digest) == digest,
                                            col(ContentEvaluation.state) == "done")
    if not any_testset:
        query = query.where(col(ContentEvaluation.testset_digest).is_(None)
                            if testset_digest is None
                            else col(ContentEvaluation.testset_digest) == testset_digest)
    async with ctx.db.read() as session:
        return await session.scalar(query.order_by(col(ContentEvaluation.id).desc()).limit(1))


async def _draft_digest(ctx: ServiceContext) -> str:
    return bot_content.digest((await store.read_draft(ctx)).content)


def _stale(row: ContentEvaluation) -> bool:
    updated = aware(row.updated_at)
    return updated is not None and utcnow() - updated > timedelta(seconds=STALE_S)
