"""The editors' inbox of unrecognised questions (anonymised; see inbox_capture.py for how
items arrive): the filtered list, adding items as training examples of an intent in the
draft (through the draft's own change machinery, so revisions, conflicts and history work),
a new intent straight from an item, dismissing, and the retention purge. Grouping by
similarity is in inbox_groups.py."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlmodel import col

from bot.engine.normalise import clean, fold
from server.services.content import inbox_query, intents
from server.services.content.store import Change, Draft, change_draft, iso
from server.services.content.transfer import MAX_EXAMPLE_CHARS, MAX_EXAMPLES
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound
from server.store.models_inbox import InboxItem

MAX_IDS = 500  # items one action may name
_SPACE = re.compile(r"\s+")


def item_json(item: InboxItem) -> dict[str, Any]:
    return {"id": item.id, "text": item.text, "lang": item.lang, "reason": item.reason,
            "intent": item.intent, "confidence": item.confidence,
            "content_version": item.content_version, "created_at": iso(item.created_at),
            "state": item.state, "acted_by": item.acted_by,
            "acted_at": iso(item.acted_at) if item.acted_at else None,
            "added_to": item.added_to}


async def list_items(ctx: ServiceContext, params: inbox_query.Params) -> dict[str, Any]:
    """Newest first, one page: `{"items", "total", "limit", "offset"}`."""
    chosen = inbox_query.parse(params)
    total, rows = await matching(ctx, chosen, chosen.limit, chosen.offset)
    return {"items": [item_json(r) for r in rows], "total": total, "limit": chosen.limit,
            "offset": chosen.offset}


async def matching(ctx: ServiceContext, chosen: inbox_query.InboxFilter, limit: int,
                   offset: int = 0) -> tuple[int, list[InboxItem]]:
    """How many items match, and one page of them, newest first."""
    where = chosen.conditions()
    async with ctx.db.read() as session:
        total = int((await session.execute(
            select(func.count()).select_from(InboxItem).where(*where))).scalar_one())
        rows = list((await session.execute(
            select(InboxItem).where(*where)
            .order_by(col(InboxItem.created_at).desc(), col(InboxItem.id).desc())
            .limit(limit).offset(offset))).scalars())
    return total, rows


def _check_ids(ids: Sequence[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput("ids: name at least one inbox item")
    if len(unique) > MAX_IDS:
        raise InvalidInput(f"ids: at most {MAX_IDS} items at a time")
    return unique


async def _load(ctx: ServiceContext, ids: Sequence[int]) -> list[InboxItem]:
    wanted = _check_ids(ids)
    async with ctx.db.read() as session:
        rows = {r.id: r for r in (await session.execute(
            select(InboxItem).where(col(InboxItem.id).in_(wanted)))).scalars()}
    missing = [i for i in wanted if i not in rows]
    if missing:
        raise NotFound(f"no inbox item {missing[0]} (it may have been purged)")
    return [rows[i] for i in wanted]


def example_text(text: str) -> str:
    """An inbox text as a training example: on one line, spacing evened out."""
    return _SPACE.sub(" ", text).strip()


@dataclass
class _Outcome:
    added: list[int] = field(default_factory=list)
    present: list[int] = field(default_factory=list)  # already an example of the intent
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _add_examples(draft: Draft, intent: str, items: list[InboxItem]) -> _Outcome:
    content = draft.content
    if intent not in content["intents"]:
        raise NotFound(f"no intent '{intent}' in the draft")
    owner: dict[str, str] = {}
    for name in content["intents"]:
        for texts in content["examples"].get(name, {}).values():
            for text in texts:
                owner.setdefault(fold(clean(text)), name)
    mine = content["examples"].setdefault(intent, {})
    outcome = _Outcome()
    for item in items:
        text, key = example_text(item.text), fold(clean(item.text))
        assert item.id is not None
        where = owner.get(key)
        if where == intent:
            outcome.present.append(item.id)
        elif not key or len(text) > MAX_EXAMPLE_CHARS:
            outcome.skipped.append({"id": item.id, "reason": "too_long" if key else "empty"})
        elif where is not None:
            outcome.skipped.append({"id": item.id, "reason": "in_other_intent", "intent": where})
        elif len(mine.get(item.lang, [])) >= MAX_EXAMPLES:
            outcome.skipped.append({"id": item.id, "reason": "full"})
        else:
            mine.setdefault(item.lang, []).append(text)
            owner[key] = intent
            outcome.added.append(item.id)
    return outcome


async def add_to_intent(ctx: ServiceContext, staff: str, ids: Sequence[int],
                        intent: str) -> dict[str, Any]:
    """Every item's text becomes an example of `intent` in its own language. Texts already
    under the intent count as added; texts under another intent, too long (over the
    example limit) or without words are skipped and listed."""
    intents.check_name(intent)
    items = await _load(ctx, ids)
    result = _Outcome()

    def apply(draft: Draft) -> list[Change]:
        nonlocal result
        result = _add_examples(draft, intent, items)
        if not result.added:
            return []
        per_lang: dict[str, int] = {}
        for item in items:
            if item.id in result.added:
                per_lang[item.lang] = per_lang.get(item.lang, 0) + 1
        counts = ", ".join(f"{lang} examples +{n}" for lang, n in sorted(per_lang.items()))
        return [Change(intent, "update", f"{counts} from the inbox")]

    draft = await change_draft(ctx, staff, apply)
    done = result.added + result.present
    if done:
        async with ctx.db.write() as session:
            await session.execute(update(InboxItem).where(col(InboxItem.id).in_(done)).values(
                state="added", added_to=intent, acted_by=staff, acted_at=ctx.clock()))
    return {"intent": intent, "revision": draft.revision(intent), "added": result.added,
            "already_there": result.present, "skipped": result.skipped}


async def new_intent_from(ctx: ServiceContext, staff: str, item_id: int,
                          name: str) -> dict[str, Any]:
    """A new intent (the create-intent service: naming rules, 409 if it exists) whose first
    example is the item's text."""
    await _load(ctx, [item_id])
    created = await intents.create_intent(ctx, staff, name)
    added = await add_to_intent(ctx, staff, [item_id], name)
    return {**added, "created": created["name"]}


async def dismiss(ctx: ServiceContext, staff: str, ids: Sequence[int]) -> dict[str, Any]:
    """New items become dismissed (a later equal text arrives dismissed too)."""
    items = await _load(ctx, ids)
    wanted = [i.id for i in items if i.state == "new"]
    count = 0
    if wanted:
        async with ctx.db.write() as session:
            result = await session.execute(update(InboxItem).where(
                col(InboxItem.id).in_(wanted), col(InboxItem.state) == "new").values(
                state="dismissed", acted_by=staff, acted_at=ctx.clock()))
            count = int(getattr(result, "rowcount", 0) or 0)
    return {"dismissed": count}


async def purge_expired(ctx: ServiceContext, *, dry: bool = False) -> int:
    """Delete (or count) items older than NEUVO_INBOX_RETENTION_DAYS, whatever their state."""
    cutoff = ctx.clock() - timedelta(days=ctx.settings.inbox_retention_days)
    old = col(InboxItem.created_at) < cutoff
    if dry:
        async with ctx.db.read() as session:
            return int((await session.execute(
                select(func.count()).select_from(InboxItem).where(old))).scalar_one())
    async with ctx.db.write() as session:
        result = await session.execute(delete(InboxItem).where(old))
        return int(getattr(result, "rowcount", 0) or 0)
