"""Catalogue intents that a newer release ships and the published content lacks.

The content a running installation answers from lives in the database (version 1 was
imported from `bot/` on its first start), so an intent added to the catalogue later (e.g.
`service_directory`, issue 13) would never reach it. At start, before the bot loads, a
catalogue intent that the shipped `bot/` content has, that the newest published version
lacks, and that no editor has ever touched (no `content_changes` row names it: an editor
who deleted it meant it) is added: its examples (less any text another intent already has),
its answers and its rules are published as a new version by `system`, each intent recorded
in the history, and added to the draft too, so the next publish keeps them. Several
processes starting at once: one insert wins, the others find the intents there.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot import content as bot_content
from bot.catalogue import ALL_INTENTS
from server.services.content import store
from server.services.context import ServiceContext
from server.store.models_content import ContentChange, ContentVersion

log = logging.getLogger(__name__)


def missing_intents(content: bot_content.Content, shipped: bot_content.Content) -> list[str]:
    return [name for name in ALL_INTENTS
            if name in shipped["intents"] and name not in content["intents"]]


def merged(content: bot_content.Content, shipped: bot_content.Content,
           names: list[str]) -> bot_content.Content:
    """`content` with the shipped intents `names` added (examples, answers, rules)."""
    out: dict[str, Any] = json.loads(json.dumps(content))
    taken = {text.casefold() for by_lang in out["examples"].values()
             for texts in by_lang.values() for text in texts}
    for name in names:
        out["intents"].append(name)
        out["examples"][name] = {lang: [t for t in texts if t.casefold() not in taken]
                                 for lang, texts in shipped["examples"].get(name, {}).items()}
        response = bot_content.response_name(name)
        if response in shipped["responses"] and response not in out["responses"]:
            out["responses"][response] = shipped["responses"][response]
        out["rules"] += [rule for rule in shipped["rules"]
                         if {"intent": name} in (rule.get("steps") or [])]
    return out


async def add_missing_intents(ctx: ServiceContext) -> int | None:
    """Publish the shipped catalogue intents the content lacks; the new version, or None."""
    latest = await store.latest_version(ctx)
    content = await store.version_content(ctx, latest) if latest else None
    if content is None:
        return None
    shipped, _ = await asyncio.to_thread(bot_content.from_directory)
    names = missing_intents(content, shipped)
    if not names:
        return None
    async with ctx.db.read() as session:
        touched = set(await session.scalars(select(col(ContentChange.intent)).where(
            col(ContentChange.intent).in_(names))))
    names = [name for name in names if name not in touched]
    if not names:
        return None
    new = merged(content, shipped, names)
    version = latest + 1
    try:
        async with ctx.db.write() as session:
            session.add(ContentVersion(
                version=version, content=json.dumps(new, ensure_ascii=False),
                digest=bot_content.digest(new), created_by=store.SYSTEM,
                note="added from the shipped content: " + ", ".join(names)))
            await session.flush()
            for name in names:
                session.add(ContentChange(intent=name, action="import", staff=store.SYSTEM,
                                          summary="added from the shipped bot content",
                                          version=version))
    except IntegrityError:
        log.info("another process published version %d first", version)
        return None

    def add_to_draft(draft: store.Draft) -> list[store.Change]:
        absent = [name for name in names if name not in draft.content["intents"]]
        draft.content = merged(draft.content, shipped, absent)
        return []

    await store.change_draft(ctx, store.SYSTEM, add_to_draft)
    log.info("published version %d with the shipped intents %s", version, ", ".join(names))
    return version
