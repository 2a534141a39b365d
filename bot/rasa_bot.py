"""RasaBot: the same Bot protocol over a real Rasa 3.6 server (NEUVO_BOT=rasa).

Per turn: /model/parse for the topic (and the safety layer of bot/safety.yml on top of
Rasa's NLU: safety always wins, so a cue Rasa missed is sent on as the "/<safety_intent>"
payload), slots for language, service hours, staff on duty, fallback streak and county facts
through the tracker events API, then the REST channel webhook. Handoff and safety come back from the
custom actions as {"custom": {"neuvo": {...}}}. If Rasa is down, slow or answers nonsense,
the resident gets "the bot is unavailable, talk to a person" in the chat's language.
Message texts are never logged.

`content_version` is the published content version the Rasa server answers from, when the
server knows it (server/services/content/rasa_publish.py sets it after checking Rasa's
loaded model); every answered turn carries it as `BotTurn.content_version`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bot.api import BotContext, BotReply, BotTurn, Button
from bot.catalogue import ALL_INTENTS, FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine.facts import load_facts
from bot.engine.loader import DEFAULT_PROJECT
from bot.engine.normalise import clean
from bot.engine.safety import detect, guarded, load_safety
from bot.texts import unavailable_turn

log = logging.getLogger(__name__)
MAX_TEXT = 2000


class RasaUnavailable(Exception):
    pass


class RasaBot:
    def __init__(self, url: str, timeout: float = 5.0, facts: dict[str, str] | None = None,
                 root: Path = DEFAULT_PROJECT, token: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"Rasa URL must start with http:// or https://, got {url!r}")
        params = {"token": token} if token else None
        self._client = httpx.AsyncClient(base_url=url.rstrip("/"), timeout=timeout, params=params,
                                         transport=transport)
        self._facts = dict(facts or {})
        self._county = load_facts(root)
        self._safety = load_safety(root / "safety.yml")
        # Set by the server: None while unknown (Rasa not checked yet, or another model loaded).
        self.content_version: int | None = None

    def set_facts(self, facts: dict[str, str]) -> None:
        """The effective county facts (an editor's, else NEUVO_COUNTY_FACTS): the next turn
        sends them to Rasa as slots."""
        self._facts = dict(facts)

    async def greet(self, ctx: BotContext) -> BotTurn:
        version = self.content_version  # the version when the turn started
        try:
            await self._set_slots(ctx)
            messages = await self._webhook(ctx.chat_id, "/greet")
        except RasaUnavailable:
            return self._unavailable(ctx)
        return self._turn(messages, "greet", 1.0, ctx, version)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        version = self.content_version
        message = _sanitise(text)
        try:
            if message.startswith("/") or not message:
                intent = message[1:].split("{")[0] if message else FALLBACK_INTENT
                if intent not in ALL_INTENTS:  # unknown payload or empty text: a fallback
                    intent, message = FALLBACK_INTENT, f"/{FALLBACK_INTENT}"
                confidence = 1.0 if intent != FALLBACK_INTENT else 0.0
            else:
                intent, confidence, message = await self._classify(message)
            await self._set_slots(ctx)
            messages = await self._webhook(ctx.chat_id, message)
        except RasaUnavailable:
            return self._unavailable(ctx)
        return self._turn(messages, intent, confidence, ctx, version)

    async def close(self) -> None:
        await self._client.aclose()

    async def _classify(self, text: str) -> tuple[str, float, str]:
        """Rasa's intent, with the safety layer applied; returns the message to send on."""
        parsed = await self._post("/model/parse", {"text": text})
        if not isinstance(parsed, dict):
            raise RasaUnavailable("bad /model/parse answer")
        ranking = [(str(r.get("name")), float(r.get("confidence") or 0.0))
                   for r in parsed.get("intent_ranking") or [] if isinstance(r, dict)]
        top = parsed.get("intent") or {}
        intent, confidence = str(top.get("name") or FALLBACK_INTENT), float(top.get("confidence") or 0.0)
        safety_intent = detect(self._safety, text, ranking)
        if safety_intent is not None and safety_intent != intent:
            return safety_intent, dict(ranking).get(safety_intent, confidence), f"/{safety_intent}"
        if safety_intent is None and intent in SAFETY_INTENTS and guarded(self._safety, text):
            # Talk about a subject, not a crisis ("tää lomake tappaa mut"): as in the embedded engine
            return FALLBACK_INTENT, 0.0, f"/{FALLBACK_INTENT}"
        return intent, confidence, text

    async def _set_slots(self, ctx: BotContext) -> None:
        values: dict[str, Any] = self._county.resolve(ctx.lang, {**self._facts, **ctx.facts})
        values.update(language=ctx.lang, in_service_hours=ctx.in_service_hours,
                      staff_on_duty=ctx.staff_on_duty, service_hours=ctx.service_hours_text,
                      fallback_streak=float(ctx.fallback_streak))
        events = [{"event": "slot", "name": k, "value": v} for k, v in values.items()]
        await self._post(f"/conversations/{quote(ctx.chat_id, safe='')}/tracker/events", events,
                         params={"include_events": "NONE"})

    async def _webhook(self, sender: str, message: str) -> list[dict[str, Any]]:
        answer = await self._post("/webhooks/rest/webhook", {"sender": sender, "message": message})
        if not isinstance(answer, list):
            raise RasaUnavailable("bad webhook answer")
        return [m for m in answer if isinstance(m, dict)]

    async def _post(self, path: str, body: Any, params: dict[str, str] | None = None) -> Any:
        try:
            response = await self._client.post(path, json=body, params=params)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa request %s failed: %s", path, type(exc).__name__)
            raise RasaUnavailable(path) from exc

    def _turn(self, messages: list[dict[str, Any]], intent: str, confidence: float,
              ctx: BotContext, version: int | None = None) -> BotTurn:
        replies: list[BotReply] = []
        handoff = safety = False
        for m in messages:
            custom = m.get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("neuvo"), dict):
                handoff = handoff or bool(custom["neuvo"].get("handoff"))
                safety = safety or bool(custom["neuvo"].get("safety"))
            if isinstance(m.get("text"), str) and m["text"].strip():
                buttons = tuple(Button(str(b.get("title", "")), str(b.get("payload", "")))
                                for b in m.get("buttons") or [] if isinstance(b, dict))
                replies.append(BotReply(m["text"], buttons))
        safety = safety or intent in SAFETY_INTENTS
        handoff = handoff and ctx.in_service_hours
        streak = ctx.fallback_streak + 1 if intent == FALLBACK_INTENT else 0
        return BotTurn(replies=tuple(replies), intent=intent, confidence=confidence, handoff=handoff,
                       safety=safety, fallback_streak=streak, content_version=version)

    def _unavailable(self, ctx: BotContext) -> BotTurn:
        return unavailable_turn(ctx.lang, ctx.fallback_streak)


def _sanitise(text: str) -> str:
    """Trim, drop control characters and markup, cap the length (Rasa gets plain text)."""
    raw = (text or "").strip()
    if raw.startswith("/"):
        return raw.split()[0][:200] if raw.split() else ""
    return clean(raw, limit=MAX_TEXT) if not raw.isascii() or "<" in raw else " ".join(raw.split())[:MAX_TEXT]
