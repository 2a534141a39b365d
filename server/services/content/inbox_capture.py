"""Capture for the editors' inbox of unrecognised questions, after a bot turn.

Two cases become an inbox item (server/store/models_inbox.py):
- the turn fell to nlu_fallback: the resident's text, reason "fallback";
- the resident asked for a person (intent request_human or the /request_human button) right
  after the bot answered their previous message with a service intent (not a conversational
  one, not a fallback, which is captured already, and not a safety intent, where asking
  for a person is the expected next step): that previous message, reason
  "asked_for_person".

The work runs in the background (the turn never waits for it): the text goes through the
anonymiser (the county's own numbers kept, as for the statistics) in a worker thread BEFORE
anything is written, and nothing that links back to the chat (id, seq, token) is stored.
A text equal, after normalisation, to one an editor dismissed is stored as dismissed.
Failures are logged without contents and the item is skipped: the chat comes first.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Coroutine
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.api import REQUEST_HUMAN_PAYLOAD, BotTurn
from bot.catalogue import CONVERSATION_INTENTS, FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine.normalise import clean, fold
from server.privacy.anonymiser import Anonymiser
from server.services import service_config
from server.services.context import ServiceContext
from server.store.models import Message
from server.store.models_inbox import InboxItem

log = logging.getLogger(__name__)
REQUEST_HUMAN = "request_human"
MAX_TEXT = 4000
# Bounds on the work a flood can cause (anonymising costs CPU): a question longer than this is
# not captured (an editor's example is at most 200 characters), and while this many captures
# are waiting in a process, further ones are skipped.
MAX_CAPTURED_CHARS = 500
MAX_PENDING = 20
_pending = 0
LOOK_BACK = 20  # messages before the request searched for the answered one
_PLACEHOLDER = re.compile(r"<([A-Z_]{2,12})>")


def normalised(text: str) -> str:
    """Lower case, diacritics folded, punctuation and spacing evened out; the anonymiser's
    placeholders stay as words (the bot engine's cleaner would drop `<...>` as markup)."""
    marked = _PLACEHOLDER.sub(lambda m: f" x{m.group(1).lower()}x ", text)
    return fold(clean(marked, limit=None))


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def after_turn(ctx: ServiceContext, chat_id: str, lang: str, text: str, seq: int | None,
               turn: BotTurn) -> None:
    """Called by the bot turn once its answer is stored: schedules what this turn adds to
    the inbox, if anything. Never raises, never waits."""
    try:
        if _pending >= MAX_PENDING:
            return  # a flood: the chat comes first, the inbox can miss a few
        if turn.intent == FALLBACK_INTENT and text.strip() and not text.strip().startswith("/"):
            if len(text) <= MAX_CAPTURED_CHARS:
                _spawn(ctx, _store_logged(ctx, text, lang, "fallback", turn.intent,
                                          turn.confidence, turn.content_version))
        elif seq is not None and (turn.intent == REQUEST_HUMAN
                                  or text.strip() == REQUEST_HUMAN_PAYLOAD):
            _spawn(ctx, _asked_for_person(ctx, chat_id, lang, seq))
    except Exception as exc:  # the inbox must never disturb a chat
        log.warning("inbox capture not scheduled (%s)", type(exc).__name__)


def _spawn(ctx: ServiceContext, work: Coroutine[Any, Any, None]) -> None:
    global _pending
    _pending += 1

    async def counted() -> None:
        global _pending
        try:
            await work
        finally:
            _pending -= 1

    try:
        ctx.in_background(counted(), "inbox-capture")
    except Exception:
        _pending -= 1
        raise


async def _asked_for_person(ctx: ServiceContext, chat_id: str, lang: str, seq: int) -> None:
    try:
        previous = await answered_before(ctx, chat_id, seq)
    except Exception as exc:
        log.warning("inbox capture skipped (%s)", type(exc).__name__)
        return
    if previous is not None and len(previous.text) <= MAX_CAPTURED_CHARS:
        await _store_logged(ctx, previous.text, lang, "asked_for_person", previous.intent,
                            previous.confidence, previous.content_version)


def _counts(message: Message) -> bool:
    intent = message.intent
    return (intent is not None and intent not in CONVERSATION_INTENTS
            and intent != FALLBACK_INTENT and intent not in SAFETY_INTENTS
            and not message.text.strip().startswith("/"))


async def answered_before(ctx: ServiceContext, chat_id: str, seq: int) -> Message | None:
    """The resident's message just before `seq` if the bot (and nobody else) answered it
    with a service intent; None otherwise."""
    async with ctx.db.read() as session:
        rows = list((await session.execute(
            select(Message).where(col(Message.chat_id) == chat_id, col(Message.seq) < seq)
            .order_by(col(Message.seq).desc()).limit(LOOK_BACK))).scalars())
    answered = False
    for message in rows:
        if message.author == "bot":
            answered = True
        elif message.author == "resident":
            return message if answered and _counts(message) else None
        elif message.author != "system":
            return None  # a person took part: not the bot's miss
    return None


@lru_cache(maxsize=4)
def _anonymiser(keep: frozenset[str]) -> Anonymiser:
    return Anonymiser(keep=keep)


def _mask(keep: frozenset[str], text: str, lang: str) -> str:
    return _anonymiser(keep).mask(text, lang)[0]


async def _store_logged(ctx: ServiceContext, text: str, lang: str, reason: str,
                        intent: str | None, confidence: float | None,
                        content_version: int | None) -> None:
    try:
        await store(ctx, text, lang, reason, intent, confidence, content_version)
    except Exception as exc:  # never the text in the log
        log.warning("inbox item not stored (%s)", type(exc).__name__)


async def store(ctx: ServiceContext, text: str, lang: str, reason: str, intent: str | None,
                confidence: float | None, content_version: int | None) -> InboxItem:
    """Anonymise `text` off the event loop, then store it (dismissed when an equal text was
    dismissed before)."""
    facts = (await service_config.current(ctx)).facts  # the editors', else the environment's
    keep = frozenset(value for value in facts.values() if value)
    masked = (await asyncio.to_thread(_mask, keep, text, lang)).strip()[:MAX_TEXT]
    digest = text_hash(masked)
    async with ctx.db.write() as session:
        dismissed = (await session.execute(select(col(InboxItem.id)).where(
            col(InboxItem.text_hash) == digest, col(InboxItem.state) == "dismissed")
            .limit(1))).scalar() is not None
        now = ctx.clock()
        item = InboxItem(text=masked, text_hash=digest, lang=lang[:2], reason=reason,
                         intent=intent[:64] if intent else None,
                         confidence=None if confidence is None else float(confidence),
                         content_version=content_version, created_at=now,
                         state="dismissed" if dismissed else "new",
                         acted_by="system" if dismissed else None,
                         acted_at=now if dismissed else None)
        session.add(item)
    return item
