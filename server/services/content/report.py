"""The validation report on the draft, in plain language.

Each item has a `code` (the editor pages word it in fi/sv/en), a severity, the intent it is
about, parameters, and an English `message`. Errors block publishing; warnings do not.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot import content as bot_content
from bot.catalogue import SAFETY_NUMBERS
from bot.engine.normalise import clean, fold
from server import vocabulary
from server.services.content.store import read_draft
from server.services.context import ServiceContext

LANGS: tuple[str, ...] = vocabulary.LANGS
MIN_EXAMPLES = {"fi": 10, "sv": 5, "en": 5}
# The widget shows about this many characters of an answer without scrolling a phone screen
# (the longest shipped answer has 512).
MAX_WIDGET_CHARS = 600
# Two examples of different intents at least this similar (0-1) are reported.
SIMILAR = 0.9


def _item(code: str, severity: str, intent: str | None, message: str,
          **params: Any) -> dict[str, Any]:
    return {"code": code, "severity": severity, "intent": intent, "params": params,
            "message": message}


def editor_checks(content: bot_content.Content) -> list[dict[str, Any]]:
    items = []
    seen: dict[str, tuple[str, str]] = {}
    for intent in content["intents"]:
        for lang in LANGS:
            for text in content["examples"].get(intent, {}).get(lang, []):
                key = fold(clean(text))
                other = seen.get(key)
                if other and other[0] != intent:
                    items.append(_item("duplicate_example", "error", intent,
                                       f"The example {text!r} is also under '{other[0]}'. "
                                       "Keep it under one intent only.",
                                       text=text, other=other[0], lang=lang))
                seen.setdefault(key, (intent, lang))
    for intent in content["intents"]:
        examples = content["examples"].get(intent, {})
        for lang in LANGS:
            n = len(examples.get(lang, []))
            if n < MIN_EXAMPLES[lang]:
                items.append(_item("few_examples", "warning", intent,
                                   f"'{intent}' has {n} {lang} examples; write at least "
                                   f"{MIN_EXAMPLES[lang]}.", lang=lang, count=n,
                                   minimum=MIN_EXAMPLES[lang]))
    intents = set(content["intents"])
    for name, variants in content["responses"].items():
        owner = name[6:] if name.startswith("utter_") and name[6:] in intents else None
        langs = {bot_content.variant_lang(v) for v in variants}
        for lang in LANGS:
            if lang not in langs:
                items.append(_item("missing_response", "warning", owner,
                                   f"The answer '{name}' has no {lang} text; residents "
                                   "writing in that language get the Finnish one.",
                                   response=name, lang=lang))
        for v in variants:
            lang = bot_content.variant_lang(v)
            text = str(v.get("text", ""))
            if len(text) > MAX_WIDGET_CHARS:
                items.append(_item("response_too_long", "warning", owner,
                                   f"The {lang} answer '{name}' has {len(text)} characters; "
                                   f"the chat window shows about {MAX_WIDGET_CHARS} well.",
                                   response=name, lang=lang, length=len(text),
                                   maximum=MAX_WIDGET_CHARS))
            for b in v.get("buttons") or []:
                payload = str(b.get("payload", ""))
                target = payload.lstrip("/").split("{")[0]
                if payload.startswith("/") and target not in intents | {"nlu_fallback"}:
                    items.append(_item("button_missing_intent", "error", owner,
                                       f"The button '{b.get('title')}' in '{name}' points to "
                                       f"'{target}', which does not exist.",
                                       response=name, lang=lang, target=target))
    return items


def safety_number_checks(content: bot_content.Content) -> list[dict[str, Any]]:
    """Every answer of a safety intent, in every language, names its emergency numbers."""
    items = []
    required = {**{i: ("112",) for i in bot_content.safety_intents(content)}, **SAFETY_NUMBERS}
    for intent, numbers in required.items():
        if intent not in content["intents"]:
            continue
        variants = content["responses"].get(bot_content.response_name(intent)) or []
        for lang in LANGS:
            texts = [str(v.get("text", "")) for v in variants if bot_content.variant_lang(v) == lang]
            for text in texts or [""]:
                digits = re.sub(r"\D", "", text)
                missing = [n for n in numbers if re.sub(r"\D", "", n) not in digits]
                if missing:
                    items.append(_item("safety_numbers", "error", intent,
                                       f"The {lang} answer of the safety intent '{intent}' must "
                                       f"give the number(s) {', '.join(missing)}.",
                                       lang=lang, numbers=", ".join(missing)))
    return items


def similar_examples(content: bot_content.Content, limit: int = 30) -> list[dict[str, Any]]:
    """Examples of different intents that are almost the same text (character n-gram cosine
    at least SIMILAR): the bot cannot tell them apart reliably."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = [(intent, lang, text) for intent in content["intents"] for lang in LANGS
            for text in content["examples"].get(intent, {}).get(lang, [])]
    if len(rows) < 2:
        return []
    folded = [fold(clean(text)) for _, _, text in rows]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit_transform(folded)
    similarity = (matrix @ matrix.T).tocoo()
    items = []
    for i, j, value in zip(similarity.row, similarity.col, similarity.data, strict=True):
        a, b = rows[i], rows[j]
        if i < j and value >= SIMILAR and a[0] != b[0] and folded[i] != folded[j]:
            items.append(_item("similar_examples", "warning", a[0],
                               f"The example {a[2]!r} ('{a[0]}') is very like {b[2]!r} "
                               f"('{b[0]}'); the bot may mix these intents up.",
                               text=a[2], other=b[0], other_text=b[2], lang=a[1]))
            if len(items) >= limit:
                break
    return items


def engine_checks(content: bot_content.Content) -> list[dict[str, Any]]:
    """What the bot engine itself refuses or warns about (file and line of the export)."""
    return [_item("engine", p.severity, None, f"{p.file}:{p.line}: {p.message}",
                  file=p.file, line=p.line)
            for p in bot_content.problems(content)
            if not any(part in p.message for part in _COVERED)]


# Engine messages the editor checks above already word in plain language.
_COVERED = ("examples (aim for", "and also under", "' variant", "names no known intent")


def plain_language(text: str, lang: str) -> dict[str, Any]:
    """bot/plain_language.py on an answer; {placeholders} (phone numbers and addresses filled
    in at run time) count as one short word."""
    from bot import plain_language as plain

    masked = re.sub(r"\{[a-z_][a-z0-9_]*\}", "X", text)
    return {"problems": plain.check(masked, lang),
            "lix": round(plain.lix(masked), 1) if lang == "sv" else None}


def report_for(content: bot_content.Content) -> dict[str, Any]:
    items = (editor_checks(content) + safety_number_checks(content)
             + similar_examples(content) + engine_checks(content))
    errors = sum(1 for i in items if i["severity"] == "error")
    return {"ok": errors == 0, "errors": errors,
            "warnings": len(items) - errors, "items": items}


async def report(ctx: ServiceContext) -> dict[str, Any]:
    draft = await read_draft(ctx)
    return await asyncio.to_thread(report_for, draft.content)
