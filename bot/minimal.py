"""A minimal, deterministic bot: greets, offers a person, and says it cannot answer.

Not for production (the default is the embedded engine). It stays as a predictable test
double: the protocol and widget tests (NEUVO_BOT=minimal, set in tests/helpers.py) check
delivery, ordering and handoff, which must not depend on what the trained model answers.
"""

from __future__ import annotations

from bot import texts
from bot.api import REQUEST_HUMAN_PAYLOAD, BotContext, BotReply, BotTurn

GREETING = {
    "fi": "Hei! Olen Neuvo-botti. Voin auttaa sinua. Älä kirjoita henkilötunnustasi.",
    "sv": "Hej! Jag är Neuvo-boten. Jag kan hjälpa dig. Skriv inte din personbeteckning.",
    "en": "Hi! I am the Neuvo bot. I can help you. Do not type your personal identity code.",
}
# A fallback path too: it keeps the emergency line (bot/texts.py).
CANNOT = {
    "fi": "En osaa vielä vastata tähän. " + texts.EMERGENCY_LINE["fi"]
          + " Voit jutella ihmisen kanssa.",
    "sv": "Jag kan inte svara på det ännu. " + texts.EMERGENCY_LINE["sv"]
          + " Du kan chatta med en människa.",
    "en": "I can't answer that yet. " + texts.EMERGENCY_LINE["en"] + " You can talk to a person.",
}


class MinimalBot:
    async def greet(self, ctx: BotContext) -> BotTurn:
        reply = BotReply(texts.text(GREETING, ctx.lang), (texts.person_button(ctx.lang),))
        return BotTurn(replies=(reply,), intent="greet", confidence=1.0)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        if text.strip() == REQUEST_HUMAN_PAYLOAD:
            return BotTurn(replies=(), intent="request_human", confidence=1.0, handoff=True)
        reply = BotReply(texts.text(CANNOT, ctx.lang), (texts.person_button(ctx.lang),))
        return BotTurn(replies=(reply,), intent="nlu_fallback", confidence=0.0,
                       fallback_streak=ctx.fallback_streak + 1)

    async def close(self) -> None:
        return None
