"""The language parity matrix: every intent of the draft × fi/sv/en.

A cell is `ok`, `missing` (no answer in that language), `stale` (the Finnish answer changed
after this language's answer last changed or was marked checked) or `action` (the intent is
answered by one of the bot's built-in actions, e.g. the handoff, not by an `utter_` answer).
The times come from the draft's bookkeeping (store.Draft `answers` and `checked`, written by
intent saves, imports and resets); an answer without a recorded time predates the
bookkeeping, so it is stale only once the Finnish answer has changed since. Marking a
translation checked records the time and a history entry, without changing the answer or
the intent's revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot import content as bot_content
from bot.catalogue import SAFETY_INTENTS
from server import vocabulary
from server.services.content.intents import _rule_intents, check_revision
from server.services.content.store import Change, Draft, answers_in, change_draft, read_draft
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound
from server.store.models import utcnow

Status = Literal["ok", "missing", "stale", "action"]
SOURCE_LANG = "fi"
STATUSES: tuple[Status, ...] = ("ok", "missing", "stale", "action")


def _time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _actions(content: bot_content.Content, intent: str) -> list[str]:
    return [str(step["action"]) for rule in content["rules"] if intent in _rule_intents(rule)
            for step in rule.get("steps") or []
            if isinstance(step, dict) and "action" in step
            and not str(step["action"]).startswith("utter_")]


def cell(draft: Draft, intent: str, lang: str, action: str | None) -> dict[str, Any]:
    changed = draft.answers.get(intent, {}).get(lang)
    checked = draft.checked.get(intent, {}).get(lang)
    out: dict[str, Any] = {"status": "ok", "changed": changed, "checked": checked}
    if not answers_in(draft.content, intent, lang):
        out["status"] = "action" if action else "missing"
        return out
    source = _time(draft.answers.get(intent, {}).get(SOURCE_LANG))
    if lang != SOURCE_LANG and source is not None and answers_in(draft.content, intent,
                                                                  SOURCE_LANG):
        seen = [t for t in (_time(changed), _time(checked)) if t is not None]
        if not seen or max(seen) < source:
            out["status"] = "stale"
    return out


def matrix(draft: Draft) -> dict[str, Any]:
    items = []
    counts = dict.fromkeys(STATUSES, 0)
    for intent in draft.content["intents"]:
        actions = _actions(draft.content, intent)
        has_answer = bool(draft.content["responses"].get(bot_content.response_name(intent)))
        action = actions[0] if actions and not has_answer else None
        cells = {lang: cell(draft, intent, lang, action) for lang in vocabulary.LANGS}
        for value in cells.values():
            counts[value["status"]] += 1
        items.append({"intent": intent, "revision": draft.revision(intent),
                      "safety": intent in SAFETY_INTENTS, "action": action, "cells": cells})
    return {"items": items, "counts": counts, "langs": list(vocabulary.LANGS),
            "source_lang": SOURCE_LANG}


async def parity(ctx: ServiceContext) -> dict[str, Any]:
    return matrix(await read_draft(ctx))


async def mark_checked(ctx: ServiceContext, staff: str, intent: str, lang: str,
                       revision: int) -> dict[str, Any]:
    """The editor compared `lang`'s answer with the Finnish one and it still says the same:
    the cell is no longer stale. Returns the intent's row of the matrix."""
    if lang not in vocabulary.LANGS or lang == SOURCE_LANG:
        raise InvalidInput("mark a Swedish (sv) or English (en) answer as checked")

    def apply(draft: Draft) -> list[Change]:
        check_revision(draft, intent, revision)
        if not answers_in(draft.content, intent, lang):
            raise InvalidInput(f"'{intent}' has no answer in {lang} to check; write one first")
        draft.checked.setdefault(intent, {})[lang] = utcnow().isoformat()
        return [Change(intent, "checked", f"{lang} answer checked against the Finnish one",
                       bump=False)]

    draft = await change_draft(ctx, staff, apply)
    for row in matrix(draft)["items"]:
        if row["intent"] == intent:
            return dict(row)
    raise NotFound(f"no intent '{intent}' in the draft")  # pragma: no cover - checked above
