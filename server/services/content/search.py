"""Search across every intent of the draft: examples and answers that contain the words
(case-, accent- and inflection-insensitive enough for editors: folded substring match of
every word), so an editor finds where a phrase already lives before adding it again."""

from __future__ import annotations

from typing import Any

from bot import content as bot_content
from bot.engine.normalise import clean, fold
from server.services.content.store import read_draft
from server.services.context import ServiceContext
from server.services.errors import InvalidInput

MAX_QUERY = 100
MAX_RESULTS = 100


def _key(text: str) -> str:
    return fold(clean(text)).lower()


def search_content(content: bot_content.Content, query: str) -> dict[str, Any]:
    words = _key(query).split()
    if not words or len(query) > MAX_QUERY:
        raise InvalidInput(f"q: 1-{MAX_QUERY} characters with at least one word")
    items: list[dict[str, str]] = []
    total = 0

    def consider(intent: str, lang: str, kind: str, text: str) -> None:
        nonlocal total
        key = _key(text)
        if all(word in key for word in words):
            total += 1
            if len(items) < MAX_RESULTS:
                items.append({"intent": intent, "lang": lang, "kind": kind, "text": text})

    for intent in content["intents"]:
        for lang, texts in (content["examples"].get(intent) or {}).items():
            for text in texts:
                consider(intent, lang, "example", text)
        for variant in content["responses"].get(bot_content.response_name(intent)) or []:
            consider(intent, bot_content.variant_lang(variant), "answer",
                     str(variant.get("text", "")))
    return {"items": items, "total": total}


async def search(ctx: ServiceContext, query: str) -> dict[str, Any]:
    return search_content((await read_draft(ctx)).content, query)
