"""Reading and writing the content tables: the first-start import, versions and the draft.

The draft is one row; every save re-reads it, applies a change and writes it back with one
conditional UPDATE on `seq` (retried when another save came in between), so concurrent
saves of different intents both land and saves of the same intent conflict (the caller
checks the intent's revision).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot import content as bot_content
from server.services.context import ServiceContext
from server.store.models import aware, utcnow
from server.store.models_content import ContentChange, ContentDraft, ContentVersion

log = logging.getLogger(__name__)
DRAFT_ID = 1
SYSTEM = "system"


@dataclass
class Draft:
    """The draft content plus, per intent, its revision and last change, and per intent and
    language when its answer last changed (`answers`) and when an editor marked it checked
    against the Finnish one (`checked`), as ISO times, for the parity matrix. Drafts stored
    before these existed simply have none."""

    content: bot_content.Content
    seq: int = 0
    based_on: int = 0
    revisions: dict[str, int] = field(default_factory=dict)
    changed: dict[str, dict[str, str]] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    checked: dict[str, dict[str, str]] = field(default_factory=dict)

    def revision(self, intent: str) -> int:
        return self.revisions.get(intent, 1)

    def stamp_answer(self, intent: str, lang: str, at: str) -> None:
        self.answers.setdefault(intent, {})[lang] = at

    def forget(self, intent: str) -> None:
        for book in (self.revisions, self.changed, self.answers, self.checked):
            book.pop(intent, None)

    def move(self, old: str, new: str) -> None:
        """The bookkeeping follows a renamed intent."""
        self.revisions[new] = self.revisions.pop(old, 1)
        self.changed.pop(old, None)
        for book in (self.answers, self.checked):
            if old in book:
                book[new] = book.pop(old)

    def to_json(self) -> str:
        return json.dumps({"content": self.content, "revisions": self.revisions,
                           "changed": self.changed, "answers": self.answers,
                           "checked": self.checked}, ensure_ascii=False)

    @classmethod
    def from_row(cls, row: ContentDraft) -> Draft:
        data = json.loads(row.content)
        return cls(data["content"], row.seq, row.based_on, data.get("revisions", {}),
                   data.get("changed", {}), data.get("answers", {}), data.get("checked", {}))


@dataclass(frozen=True)
class Change:
    intent: str
    action: str
    summary: str
    # False: recorded in the history only; the intent's revision stays (e.g. "checked").
    bump: bool = True


async def ensure_initial(ctx: ServiceContext) -> None:
    """On first start, import the shipped bot/ project as version 1 and as the draft.
    Safe when several processes start at once (one insert wins)."""
    async with ctx.db.read() as session:
        if await session.scalar(select(func.count()).select_from(ContentVersion)):
            return
    content, _ = await asyncio.to_thread(bot_content.from_directory)
    text = json.dumps(content, ensure_ascii=False)
    try:
        async with ctx.db.write() as session:
            session.add(ContentVersion(version=1, content=text, digest=bot_content.digest(content),
                                       created_by=SYSTEM, note="shipped content (bot/)"))
            session.add(ContentDraft(id=DRAFT_ID, seq=0, based_on=1,
                                     content=Draft(content).to_json()))
            session.add(ContentChange(intent="*", action="import", summary="shipped content",
                                      staff=SYSTEM, version=1))
    except IntegrityError:
        log.info("bot content was imported by another process")
    else:
        log.info("imported the shipped bot content as version 1")


async def latest_version(ctx: ServiceContext) -> int:
    async with ctx.db.read() as session:
        value = await session.scalar(select(func.max(ContentVersion.version)))
    return int(value or 0)


async def version_row(ctx: ServiceContext, version: int) -> ContentVersion | None:
    async with ctx.db.read() as session:
        return await session.get(ContentVersion, version)


async def version_content(ctx: ServiceContext, version: int) -> bot_content.Content | None:
    row = await version_row(ctx, version)
    return None if row is None else dict(json.loads(row.content))


async def versions(ctx: ServiceContext, limit: int = 200) -> list[ContentVersion]:
    async with ctx.db.read() as session:
        rows = await session.scalars(select(ContentVersion).order_by(
            col(ContentVersion.version).desc()).limit(limit))
        return list(rows)


async def read_draft(ctx: ServiceContext) -> Draft:
    async with ctx.db.read() as session:
        row = await session.get(ContentDraft, DRAFT_ID)
    if row is None:
        await ensure_initial(ctx)
        async with ctx.db.read() as session:
            row = await session.get(ContentDraft, DRAFT_ID)
        assert row is not None
    return Draft.from_row(row)


async def change_draft(ctx: ServiceContext, staff: str,
                       apply: Callable[[Draft], list[Change]]) -> Draft:
    """Read the draft, `apply` a change to it (it raises ServiceErrors to refuse), bump the
    revision of every intent it names, write it with one conditional UPDATE (retried when
    another save came first) and record the changes."""
    for _ in range(20):
        draft = await read_draft(ctx)
        changes = apply(draft)
        now = utcnow().isoformat()
        for change in changes:
            if change.action == "delete":
                draft.forget(change.intent)
                continue
            if not change.bump:
                continue
            draft.revisions[change.intent] = draft.revision(change.intent) + 1
            draft.changed[change.intent] = {"at": now, "by": staff, "summary": change.summary}
        async with ctx.db.write() as session:
            result = await session.execute(
                update(ContentDraft).where(col(ContentDraft.id) == DRAFT_ID,
                                           col(ContentDraft.seq) == draft.seq)
                .values(seq=draft.seq + 1, content=draft.to_json(), based_on=draft.based_on,
                        updated_at=utcnow()))
            if getattr(result, "rowcount", 0) != 1:
                continue
            for change in changes:
                session.add(ContentChange(intent=change.intent, action=change.action,
                                          summary=change.summary[:500], staff=staff))
        draft.seq += 1
        return draft
    raise RuntimeError("the draft kept changing; try again")


async def reset_draft(ctx: ServiceContext, staff: str, content: bot_content.Content,
                      based_on: int, action: str = "import",
                      summary: str = "imported") -> None:
    """Replace the whole draft (import): every intent's revision moves on."""
    def apply(draft: Draft) -> list[Change]:
        before = draft.content
        draft.content = content
        draft.based_on = based_on
        changed = [name for name in content["intents"]
                   if _intent_data(before, name) != _intent_data(content, name)]
        now = utcnow().isoformat()
        for name in changed:
            for lang in changed_langs(before, content, name):
                draft.stamp_answer(name, lang, now)
        return [Change(name, action, summary) for name in changed] + [
            Change(name, "delete", f"removed by {action}")
            for name in sorted(set(before["intents"]) - set(content["intents"]))]

    await change_draft(ctx, staff, apply)


async def changes_for(ctx: ServiceContext, intent: str | None, limit: int = 100) -> list[ContentChange]:
    query = select(ContentChange).order_by(col(ContentChange.id).desc()).limit(limit)
    if intent is not None:
        query = query.where(col(ContentChange.intent) == intent)
    async with ctx.db.read() as session:
        return list(await session.scalars(query))


def answers_in(content: bot_content.Content, intent: str, lang: str) -> list[Any]:
    """The intent's own answer variants in one language."""
    return [v for v in content["responses"].get(bot_content.response_name(intent), [])
            if bot_content.variant_lang(v) == lang]


def changed_langs(before: bot_content.Content, after: bot_content.Content,
                  intent: str) -> list[str]:
    """The languages whose answer to `intent` differs between two contents."""
    langs = {bot_content.variant_lang(v) for content in (before, after)
             for v in content["responses"].get(bot_content.response_name(intent), [])}
    return sorted(lang for lang in langs
                  if answers_in(before, intent, lang) != answers_in(after, intent, lang))


def _intent_data(content: bot_content.Content, intent: str) -> Any:
    if intent not in content["intents"]:
        return None
    return (content["examples"].get(intent), content["responses"].get(
        bot_content.response_name(intent)))


def change_json(change: ContentChange) -> dict[str, Any]:
    return {"intent": change.intent, "action": change.action, "summary": change.summary,
            "by": change.staff, "at": iso(change.at), "version": change.version}


def iso(value: Any) -> str:
    stamp = aware(value)
    return stamp.isoformat() if stamp else ""
