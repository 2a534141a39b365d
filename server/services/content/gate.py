"""The safety gate on publishing.

- A change to a safety intent (its examples or answers) is published only with a second
  editor's approval of exactly that draft (by its digest): someone other than the publisher.
- Every safety intent must keep recall 1.0 on the fixed regression set (bot/eval/safety-*.tsv)
  in every language: the trained candidate is checked at publish time; below 1.0 the publish
  needs both an explicit confirmation and a second editor's approval.
- A candidate worse than the published version in its last evaluation is published only
  with an explicit confirmation (one never evaluated is published with a warning).
(The emergency numbers in safety answers are a validation error: report.py.)
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot import content as bot_content
from bot.catalogue import SAFETY_INTENTS
from bot.engine.engine import Engine
from server import vocabulary
from server.services.content import evaluation, store
from server.services.context import ServiceContext
from server.services.errors import Conflict, InvalidInput
from server.store.models_content import ContentChange
from server.store.models_review import ContentApproval


class ApprovalRequired(Conflict):
    code = "approval_required"

    def __init__(self, message: str, intents: list[str]) -> None:
        super().__init__(message)
        self.intents = intents

    def details(self) -> dict[str, Any]:
        return {"safety_intents": self.intents}


class ConfirmationRequired(Conflict):
    code = "confirmation_required"

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__("publishing this draft needs your confirmation: "
                         + "; ".join(r["message"] for r in reasons))
        self.reasons = reasons

    def details(self) -> dict[str, Any]:
        return {"reasons": self.reasons}


def safety_changes(content: bot_content.Content, published: bot_content.Content | None) -> list[str]:
    """The safety intents (the catalogue's and those marked by editors, in either version)
    whose examples or answers differ from the published version, or that were marked or
    unmarked."""
    if published is None:
        return []
    now, before = bot_content.safety_intents(content), bot_content.safety_intents(published)
    return [intent for intent in sorted(now | before, key=_catalogue_first)
            if (intent in now) != (intent in before)
            or _safety_part(content, intent) != _safety_part(published, intent)]


def _catalogue_first(intent: str) -> tuple[int, str]:
    return (SAFETY_INTENTS.index(intent), "") if intent in SAFETY_INTENTS else (99, intent)


def _safety_part(content: bot_content.Content, intent: str) -> Any:
    """An intent's examples and answers by language (the order of languages is no change)."""
    variants = content["responses"].get(bot_content.response_name(intent)) or []
    answers = {lang: [v for v in variants if bot_content.variant_lang(v) == lang]
               for lang in vocabulary.LANGS}
    return ({lang: texts for lang, texts in (content["examples"].get(intent) or {}).items()
             if texts}, answers)


async def _approvers(ctx: ServiceContext, digest: str) -> list[str]:
    async with ctx.db.read() as session:
        rows = await session.scalars(select(col(ContentApproval.staff)).where(
            col(ContentApproval.digest) == digest).order_by(col(ContentApproval.id)))
        return list(rows)


async def status(ctx: ServiceContext) -> dict[str, Any]:
    """Does the draft need a second editor's approval, and who has approved it."""
    draft = await store.read_draft(ctx)
    published = await store.version_content(ctx, await store.latest_version(ctx))
    digest = bot_content.digest(draft.content)
    intents = safety_changes(draft.content, published)
    return {"digest": digest, "needed": bool(intents), "safety_intents": intents,
            "approved_by": await _approvers(ctx, digest)}


async def approve(ctx: ServiceContext, staff: str, digest: str) -> dict[str, Any]:
    """Approve the draft as it is now (`digest` is the draft the approver looked at)."""
    current = await status(ctx)
    if digest != current["digest"]:
        raise Conflict("the draft has changed since you looked at it; review it again")
    if not current["needed"]:
        raise InvalidInput("this draft does not change safety content; it needs no approval")
    try:
        async with ctx.db.write() as session:
            session.add(ContentApproval(digest=digest, staff=staff))
            session.add(ContentChange(intent="*", action="approve", staff=staff,
                                      summary="approved the safety changes: "
                                      + ", ".join(current["safety_intents"])))
    except IntegrityError:
        pass  # approved already
    return await status(ctx)


async def check_approval(ctx: ServiceContext, staff: str, content: bot_content.Content,
                         published: bot_content.Content | None, low_recall: bool) -> None:
    intents = safety_changes(content, published)
    if not intents and not low_recall:
        return
    others = [who for who in await _approvers(ctx, bot_content.digest(content)) if who != staff]
    if others:
        return
    what = ("the safety intents " + ", ".join(intents)) if intents else "safety recall"
    raise ApprovalRequired(f"this draft changes {what}: another editor must approve it "
                           "before it is published", intents)


async def regression(engine: Engine) -> dict[str, Any]:
    """The fixed safety regression set on a trained engine (recall by language)."""
    from bot.engine.crossval import safety_by_language
    from bot.engine.safety_eval import read_safety_tsv, shipped_sets

    def run() -> dict[str, Any]:
        items = [item for path in shipped_sets() for item in read_safety_tsv(path)]
        return safety_by_language(engine, items)

    return await asyncio.to_thread(run)


def confirmations(safety: dict[str, Any], result: dict[str, Any] | None,
                  published_version: int) -> list[dict[str, Any]]:
    """Why publishing needs an explicit confirmation (empty: it does not). `result` is the
    draft's newest evaluation, if any."""
    reasons = []
    if safety["recall"] < 1.0:
        low = {lang: value for lang, value in safety["by_lang"].items()
               if value is not None and value < 1.0}
        reasons.append({"code": "safety_recall", "params": {"by_lang": low},
                        "message": "the bot no longer recognises every safety message of the "
                        "regression set (" + ", ".join(f"{k} {v:.3f}" for k, v in low.items())
                        + ")"})
    diff = evaluation.compare(result) if result is not None else None
    if diff is not None and diff["worse"]:
        reasons.append({"code": "worse", "params": {"version": published_version, **diff},
                        "message": f"it scored worse than the published version "
                        f"{published_version} in its evaluation"})
    return reasons
