"""A minimal, honest bot: greets, offers a person, and says it cannot answer yet.

It is the runtime used until the trained engine is configured (NEUVO_BOT=minimal).
"""

from __future__ import annotations

from bot.api import REQUEST_HUMAN_PAYLOAD, BotContext, BotReply, BotTurn, Button

GREETING = {
    "fi": "Hei! Olen Neuvo-botti. Voin auttaa sinua. Älä kirjoita henkilötunnustasi.",
    "sv": "Hej! Jag är Neuvo-boten. Jag kan hjälpa dig. Skriv inte din personbeteckning.",
    "en": "Hi! I am the Neuvo bot. I can help you. Do not type your personal identity code.",
}
CANNOT = {
    "fi": "En osaa vielä vastata tähän. Voit jutella ihmisen kanssa.",
    "sv": "Jag kan inte svara på det ännu. Du kan chatta med en människa.",
    "en": "I can't answer that yet. You can talk to a person.",
}
PERSON = {"fi": "Jutellaan ihmisen kanssa", "sv": "Chatta med en människa",
          "en": "Talk to a person"}


class MinimalBot:
    def _person(self, lang: str) -> Button:
        return Button(PERSON.get(lang, PERSON["fi"]), REQUEST_HUMAN_PAYLOAD)

    async def greet(self, ctx: BotContext) -> BotTurn:
        return BotTurn(replies=(BotReply(GREETING[ctx.lang], (self._person(ctx.lang),)),),
                       intent="greet", confidence=1.0)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        if text.strip() == REQUEST_HUMAN_PAYLOAD:
            return BotTurn(replies=(), intent="request_human", confidence=1.0, handoff=True)
        return BotTurn(replies=(BotReply(CANNOT[ctx.lang], (self._person(ctx.lang),)),),
                       intent="nlu_fallback", confidence=0.0,
                       fallback_streak=ctx.fallback_streak + 1)

    async def close(self) -> None:
        return None
