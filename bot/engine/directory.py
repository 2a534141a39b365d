"""The `service_directory` intent's answer: service points from the county's directory
(`BotContext.services`, filled by the server for the chat's municipality) in the resident's
language, or a question with buttons, or the general answer (`utter_service_directory`).

1. The type: from the payload's `type`, else from keywords in the message
   (`bot/service_types.yml`), else asked with buttons (the types the municipality has).
2. The municipality: the chat's (`ctx.municipality`). Without one, the bot asks with buttons
   (the municipalities that have points, at most MAX_BUTTONS - 1, and "another
   municipality"); the payload carries the type already found, so one click answers.
3. Points of that type in the municipality: at most MAX_SHOWN, those serving the resident's
   language first. None: "not in the list" and the general answer.
"""

from __future__ import annotations

from bot import service_types as st
from bot.api import BotContext, BotReply, Button, ServicePoint
from bot.service_types import DIRECTORY_INTENT, OTHER, Vocabulary

__all__ = ["DIRECTORY_INTENT", "answer"]
MAX_BUTTONS = 6
MAX_SHOWN = 3


def answer(text: str, ctx: BotContext) -> tuple[list[BotReply], bool]:
    """The directory's replies, and whether the general answer follows them."""
    vocab = st.vocabulary()
    entities = st.parse_payload(text) or {}
    kind = entities.get("type")
    if kind not in vocab.names:
        kind = st.detect_type(text, ctx.lang) if not text.strip().startswith("/") else None
    if entities.get("municipality") == OTHER:
        return [], True
    if not ctx.municipality:
        if not ctx.service_municipalities:
            return [], True
        return [_ask_municipality(vocab, ctx, kind)], False
    if not ctx.services:
        return [], True
    if kind is None:
        kinds = [k for k in vocab.types if any(p.type == k for p in ctx.services)]
        if len(kinds) != 1:
            return [_ask_type(vocab, ctx, kinds)], False
        kind = kinds[0]
    points = [p for p in ctx.services if p.type == kind]
    if not points:
        note = str(vocab.text(ctx.lang, "not_found")).format(municipality=ctx.municipality)
        return [BotReply(note)], True
    return _points(vocab, ctx, kind, points), False


def _ask_municipality(vocab: Vocabulary, ctx: BotContext, kind: str | None) -> BotReply:
    names = ctx.service_municipalities[:MAX_BUTTONS - 1]
    buttons = [Button(name, st.payload(name, kind)) for name in names]
    buttons.append(Button(str(vocab.text(ctx.lang, "other_municipality")), st.payload(OTHER, kind)))
    return BotReply(str(vocab.text(ctx.lang, "ask_municipality")), tuple(buttons))


def _ask_type(vocab: Vocabulary, ctx: BotContext, kinds: list[str]) -> BotReply:
    buttons = [Button(_capital(vocab.name(k, ctx.lang)), st.payload(None, k))
               for k in kinds[:MAX_BUTTONS]]
    return BotReply(str(vocab.text(ctx.lang, "ask_type")), tuple(buttons))


def _points(vocab: Vocabulary, ctx: BotContext, kind: str,
            points: list[ServicePoint]) -> list[BotReply]:
    ordered = sorted(points, key=lambda p: (ctx.lang not in p.languages, _name(p, ctx.lang)))
    head = str(vocab.text(ctx.lang, "found")).format(type=_capital(vocab.name(kind, ctx.lang)),
                                                municipality=ctx.municipality)
    replies = [BotReply(head)]
    replies += [BotReply(_describe(vocab, ctx.lang, p)) for p in ordered[:MAX_SHOWN]]
    if len(ordered) > MAX_SHOWN:
        replies.append(BotReply(str(vocab.text(ctx.lang, "more")).format(
            count=len(ordered) - MAX_SHOWN)))
    return replies


def _describe(vocab: Vocabulary, lang: str, point: ServicePoint) -> str:
    lines = [_name(point, lang)]
    hours = point.hours.get(lang) or point.hours.get("fi") or ""
    names = vocab.text(lang, "lang_names")
    spoken = ", ".join(str(names.get(code, code)) for code in point.languages)
    for key, value in (("address", point.address), ("hours", hours), ("phone", point.phone),
                       ("web", point.web), ("languages", spoken)):
        if value:
            lines.append(f"{vocab.text(lang, key)}: {value}")
    return "\n".join(lines)


def _name(point: ServicePoint, lang: str) -> str:
    return point.name.get(lang) or point.name.get("fi") or ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
