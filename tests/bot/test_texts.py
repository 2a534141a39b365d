"""The shared fixed texts: every runtime and the server offer a person with the same words."""

from __future__ import annotations

import pytest

from bot import texts
from bot.api import LANGS, REQUEST_HUMAN_PAYLOAD, Lang
from bot.minimal import MinimalBot
from tests.bot.conftest import make_ctx


@pytest.mark.parametrize("lang", LANGS)
def test_unavailable_turn_offers_a_person_in_the_chat_language(lang: str) -> None:
    turn = texts.unavailable_turn(lang, fallback_streak=2)
    (reply,) = turn.replies
    assert reply.text == texts.UNAVAILABLE[lang]
    assert [(b.title, b.payload) for b in reply.buttons] == [
        (texts.TALK_TO_PERSON[lang], REQUEST_HUMAN_PAYLOAD)]
    assert turn.intent is None and not turn.handoff and turn.fallback_streak == 2


def test_unknown_language_gets_finnish() -> None:
    assert texts.unavailable_turn("de").replies[0].text == texts.UNAVAILABLE["fi"]


@pytest.mark.parametrize("lang", LANGS)
async def test_minimal_bot_uses_the_shared_button(lang: Lang) -> None:
    bot = MinimalBot()
    greeting = await bot.greet(make_ctx(lang))
    answer = await bot.respond("mitä kuuluu", make_ctx(lang))
    for turn in (greeting, answer):
        assert turn.replies[0].buttons == (texts.person_button(lang),)
    assert answer.intent == "nlu_fallback" and answer.fallback_streak == 1
    handoff = await bot.respond(REQUEST_HUMAN_PAYLOAD, make_ctx(lang))
    assert handoff.handoff and handoff.replies == ()
