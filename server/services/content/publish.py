"""Publishing: the draft becomes a new numbered, immutable version; rollback publishes an
old version's content again under a new number. Every process then switches (live.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot import content as bot_content
from bot.engine.engine import Engine
from bot.engine.loader import ProjectError
from server.protocol.frames import ContentPublished
from server.services.content import evaluation, gate, rasa_publish, store
from server.services.content.live import CONTENT_TOPIC, live_version
from server.services.content.report import report_for
from server.services.context import ServiceContext
from server.services.errors import Conflict, InvalidInput, NotFound
from server.store.models_content import ContentChange, ContentDraft, ContentVersion

MAX_NOTE = 500


class PublishRefused(InvalidInput):
    """The draft has errors: `report` lists them."""

    def __init__(self, message: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.report = report

    def details(self) -> dict[str, Any]:
        return {"report": self.report}


async def publish(ctx: ServiceContext, staff: str, note: str,
                  confirm: bool = False) -> dict[str, Any]:
    """Publish the draft: it must pass validation and the safety gate (gate.py); a candidate
    that is worse, unevaluated or below safety recall 1.0 needs `confirm`."""
    async with ctx.db.read() as session:
        last_change = int(await session.scalar(select(func.max(ContentChange.id))) or 0)
    draft = await store.read_draft(ctx)
    report = await asyncio.to_thread(report_for, draft.content)
    if not report["ok"]:
        raise PublishRefused(f"the draft has {report['errors']} errors; fix them first", report)
    latest = await store.latest_version(ctx)
    row = await store.version_row(ctx, latest)
    if row is not None and row.digest == bot_content.digest(draft.content):
        raise InvalidInput(f"nothing to publish: the draft is the same as version {latest}")
    published = await store.version_content(ctx, latest)
    await gate.check_approval(ctx, staff, draft.content, published, low_recall=False)
    safety = await gate.regression(await _train(ctx, draft.content))
    await gate.check_approval(ctx, staff, draft.content, published,
                              low_recall=safety["recall"] < 1.0)
    evaluated = await evaluation.result_for(ctx, bot_content.digest(draft.content))
    reasons = gate.confirmations(safety, evaluated, latest)
    if reasons and not confirm:
        raise gate.ConfirmationRequired(reasons)
    if reasons:
        note = (note + " " if note else "") + "[confirmed: " + ", ".join(
            r["code"] for r in reasons) + "]"
    await _train_on_rasa(ctx, draft.content)
    version = await _insert(ctx, draft.content, staff, note, latest, None, last_change)
    return {"version": version, "warnings": report["warnings"], "safety": safety,
            "evaluated": evaluated is not None, "confirmed": [r["code"] for r in reasons]}


async def rollback(ctx: ServiceContext, staff: str, version: int, note: str) -> dict[str, Any]:
    content = await store.version_content(ctx, version)
    if content is None:
        raise NotFound(f"no version {version}")
    latest = await store.latest_version(ctx)
    await _train(ctx, content)
    await _train_on_rasa(ctx, content)
    new = await _insert(ctx, content, staff, note or f"rollback to version {version}", latest,
                        version, None)
    return {"version": new, "restored_from": version}


async def _train(ctx: ServiceContext, content: bot_content.Content) -> Engine:
    """Prove the content trains (and warm the model cache) before it becomes a version."""
    try:
        return await bot_content.train_engine(content, ctx.settings.bot_cache_dir)
    except ProjectError as exc:
        raise InvalidInput("the bot cannot use this content: " + "; ".join(
            f"{p.file}:{p.line}: {p.message}" for p in exc.problems[:20])) from None


async def _train_on_rasa(ctx: ServiceContext, content: bot_content.Content) -> None:
    """With NEUVO_BOT=rasa the Rasa server answers: train and load the content there before
    the version is stored (a refusal or an outage stops the publish)."""
    if ctx.settings.bot == "rasa":
        await rasa_publish.train_on_rasa(ctx, content)


async def _insert(ctx: ServiceContext, content: bot_content.Content, staff: str, note: str,
                  latest: int, restored_from: int | None, last_change: int | None) -> int:
    version = latest + 1
    try:
        async with ctx.db.write() as session:
            session.add(ContentVersion(
                version=version, content=json.dumps(content, ensure_ascii=False),
                digest=bot_content.digest(content), created_by=staff, note=note[:MAX_NOTE],
                restored_from=restored_from))
            await session.flush()
            if last_change is not None:
                await session.execute(update(ContentChange).where(
                    col(ContentChange.version).is_(None), col(ContentChange.id) <= last_change)
                    .values(version=version))
                await session.execute(update(ContentDraft).values(based_on=version))
            else:
                session.add(ContentChange(intent="*", action="rollback", staff=staff,
                                          summary=f"version {restored_from} restored",
                                          version=version))
    except IntegrityError:
        raise Conflict("another editor published at the same moment; reload and try "
                       "again") from None
    await ctx.publish(CONTENT_TOPIC, ContentPublished(version=version))
    return version


async def versions(ctx: ServiceContext) -> dict[str, Any]:
    rows = await store.versions(ctx)
    live = live_version(ctx)
    latest = rows[0].version if rows else 0
    async with ctx.db.read() as session:
        changes = list(await session.scalars(
            select(ContentChange).where(col(ContentChange.version).is_not(None))
            .order_by(col(ContentChange.id).desc()).limit(2000)))
    by_version: dict[int, list[dict[str, Any]]] = {}
    for change in changes:
        by_version.setdefault(change.version or 0, []).append(store.change_json(change))
    return {"published": latest, "live_here": live, "items": [
        {"version": r.version, "created_at": store.iso(r.created_at), "created_by": r.created_by,
         "note": r.note, "restored_from": r.restored_from, "digest": r.digest,
         "changes": by_version.get(r.version, [])[:200]} for r in rows]}


async def load_into_draft(ctx: ServiceContext, staff: str, version: int) -> None:
    """Start the draft over from a version (e.g. after a rollback)."""
    content = await store.version_content(ctx, version)
    if content is None:
        raise NotFound(f"no version {version}")
    await store.reset_draft(ctx, staff, content, version, action="reset",
                            summary=f"draft started over from version {version}")
