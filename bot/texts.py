"""Fixed texts shared by every runtime and by the server: "talk to a person" and "the bot is
unavailable". Plain language in Finnish, Swedish and English; unknown languages get Finnish.

The answers to residents' questions live in `domain.yml`, not here: these few texts must work
even when the content files or the bot runtime do not.
"""

from __future__ import annotations

from bot.api import REQUEST_HUMAN_PAYLOAD, BotReply, BotTurn, Button

# The quick-reply button that asks for a person (payload /request_human).
TALK_TO_PERSON = {
    "fi": "Jutellaan ihmisen kanssa",
    "sv": "Chatta med en människa",
    "en": "Talk to a person",
}
# The emergency line that every fallback path keeps: when the bot fails, even a message about
# suicide gets only this text, and out of hours "talk to a person" leads to a closed service.
# The same wording as the server's closed-hours text (server/services/texts.py).
EMERGENCY_LINE = {
    "fi": "Hätätilanteessa soita tai tekstaa 112.",
    "sv": "I en nödsituation ring eller sms:a 112.",
    "en": "In an emergency call or text 112.",
}
# Shown when the bot fails, times out, or its server is down.
UNAVAILABLE = {
    "fi": "Botti ei ole juuri nyt käytettävissä. " + EMERGENCY_LINE["fi"]
          + " Voit pyytää ihmistä.",
    "sv": "Boten är inte tillgänglig just nu. " + EMERGENCY_LINE["sv"]
          + " Du kan be att få chatta med en människa.",
    "en": "The bot is unavailable right now. " + EMERGENCY_LINE["en"]
          + " You can ask for a person.",
}


def text(table: dict[str, str], lang: str) -> str:
    """The entry for `lang`, or Finnish."""
    return table.get(lang) or table["fi"]


def person_button(lang: str) -> Button:
    return Button(text(TALK_TO_PERSON, lang), REQUEST_HUMAN_PAYLOAD)


def unavailable_turn(lang: str, fallback_streak: int = 0) -> BotTurn:
    """The turn to show when the bot cannot answer: say so and offer a person."""
    reply = BotReply(text(UNAVAILABLE, lang), (person_button(lang),))
    return BotTurn(replies=(reply,), intent=None, confidence=0.0, fallback_streak=fallback_streak)
