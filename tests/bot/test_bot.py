"""EmbeddedBot turns: answers, fallback streak, handoff in and out of hours, safety, facts."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.api import REQUEST_HUMAN_PAYLOAD, Lang
from bot.embedded import EmbeddedBot
from tests.bot.conftest import make_ctx

pytestmark = pytest.mark.timeout(60)


async def test_greet_offers_topics_and_a_person(bot: EmbeddedBot) -> None:
    turn = await bot.greet(make_ctx("sv"))
    assert turn.intent == "greet"
    assert "personbeteckning" in turn.replies[0].text
    assert REQUEST_HUMAN_PAYLOAD in [b.payload for b in turn.replies[0].buttons]


async def test_faq_answer_in_the_chat_language(bot: EmbeddedBot) -> None:
    turn = await bot.respond("miten haen toimeentulotukea", make_ctx("en"))
    assert turn.intent == "income_support_basic"
    assert "Kela" in turn.replies[0].text and "apply" in turn.replies[0].text
    assert not turn.handoff and not turn.safety and turn.fallback_streak == 0


async def test_first_fallback_asks_to_rephrase_second_offers_a_person(bot: EmbeddedBot) -> None:
    first = await bot.respond("qwxzv plorf", make_ctx("fi", streak=0))
    assert first.intent == "nlu_fallback" and first.fallback_streak == 1 and not first.handoff
    assert len(first.replies[0].buttons) >= 3
    second = await bot.respond("zzzkk vrrr", make_ctx("fi", streak=first.fallback_streak))
    assert second.fallback_streak == 2 and not second.handoff
    assert REQUEST_HUMAN_PAYLOAD in [b.payload for b in second.replies[0].buttons]
    accepted = await bot.respond(REQUEST_HUMAN_PAYLOAD, make_ctx("fi", streak=2))
    assert accepted.intent == "request_human" and accepted.handoff and accepted.fallback_streak == 0
    yes = await bot.respond("joo", make_ctx("fi", streak=2))
    assert yes.intent == "request_human" and yes.handoff


async def test_request_human_in_and_out_of_service_hours(bot: EmbeddedBot) -> None:
    inside = await bot.respond("haluan puhua ihmiselle", make_ctx("fi", in_hours=True))
    assert inside.intent == "request_human" and inside.handoff
    outside = await bot.respond("haluan puhua ihmiselle", make_ctx("fi", in_hours=False))
    assert not outside.handoff
    assert "ma–pe klo 8–16" in outside.replies[0].text and "112" in outside.replies[0].text


@pytest.mark.parametrize("lang,text,words", [
    ("fi", "haluan tappaa itseni", ("112 Suomi", "tekstiviesti numeroon 112", "tarvitse rekisteröityä",
                                    "kunta ja osoite", "Työntekijä näkee")),
    ("sv", "jag vill ta mitt liv", ("112 Suomi", "sms till 112", "inte registrera dig", "kommun och adress",
                                    "Medarbetaren ser")),
    ("en", "I want to kill myself", ("112 Suomi", "text message to 112", "do not need to register",
                                     "municipality and address", "staff member sees")),
])
async def test_safety_guidance_works_without_a_voice_call(bot: EmbeddedBot, lang: Lang, text: str,
                                                          words: tuple[str, ...]) -> None:
    turn = await bot.respond(text, make_ctx(lang, in_hours=True))
    assert turn.safety and turn.handoff and turn.intent == "crisis_suicide"
    assert "112" in turn.replies[0].text and "09 2525" in turn.replies[0].text  # guidance first
    joined = " ".join(r.text for r in turn.replies)
    for word in words:
        assert word in joined, word
    for outdated in ("rekisteröinnin", "registrerat dig i förväg", "registration in advance",
                     "pysyy auki", "chatten är öppen", "stays open"):
        assert outdated not in joined, outdated


async def test_safety_out_of_hours_gives_guidance_without_handoff(bot: EmbeddedBot) -> None:
    turn = await bot.respond("mieheni lyö minua", make_ctx("fi", in_hours=False, streak=1))
    assert turn.safety and not turn.handoff and turn.fallback_streak == 0
    assert "080 005 005" in turn.replies[0].text
    assert "ma–pe klo 8–16" in turn.replies[-1].text


async def test_facts_fill_placeholders_with_generic_wording_or_configured_values(bot: EmbeddedBot) -> None:
    generic = await bot.respond("sosiaalipäivystyksen puhelinnumero", make_ctx("fi"))
    assert "hätänumeron 112 kautta" in generic.replies[0].text  # never "see the web site" in a crisis
    assert "verkkosivu" not in " ".join(r.text for r in generic.replies)
    configured = await bot.respond("sosiaalipäivystyksen puhelinnumero",
                                   make_ctx("fi", facts={"social_emergency_phone": "06 123 4567"}))
    assert "06 123 4567" in configured.replies[0].text


async def test_no_reply_ever_shows_a_raw_placeholder(bot: EmbeddedBot) -> None:
    engine = bot.engine()
    for intent in engine.project.intents:
        for lang in ("fi", "sv", "en"):
            for in_hours in (True, False):
                turn = await bot.respond(f"/{intent}", make_ctx(lang, in_hours=in_hours))
                assert turn.replies, intent
                for reply in turn.replies:
                    assert not re.search(r"\{\w+\}", reply.text), (intent, lang, reply.text)


async def test_many_chats_at_once(bot: EmbeddedBot) -> None:
    texts = ["hei", "toimeentulotuki", "haluan kuolla", "qwxzv", "ruoka-apua"] * 40
    turns = await asyncio.gather(*(bot.respond(t, make_ctx("fi")) for t in texts))
    assert [t.intent for t in turns[:5]] == ["greet", "income_support_basic", "crisis_suicide",
                                             "nlu_fallback", "food_aid"]
    assert [t.intent for t in turns] == [t.intent for t in turns[:5]] * 40


async def test_model_cache_is_reused(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEUVO_BOT_CACHE_DIR", str(tmp_path))
    first = EmbeddedBot.from_project()
    await first.warm_up()
    cached = list(__import__("pathlib").Path(str(tmp_path)).glob("model-*.pkl"))
    assert len(cached) == 1
    second = EmbeddedBot.from_project()
    await second.warm_up()
    assert second.engine().digest == first.engine().digest


@pytest.mark.parametrize("text", [
    "", "   ", "🙂🙂😢🙏", "x" * 4000, ("Minulla on kysymys vuokrasta. " * 200)[:4000],
    "hej moi hello, tarviin apua med hyran please", "<script>alert('x')</script><b>toimeentulotuki</b>",
    "a\x00b\x07c\x1b[31m\u202e\ufeff\u200b", "\n\n\t", "/", "/{}",
])
async def test_bad_input_gets_a_reply_not_an_exception(bot: EmbeddedBot, text: str) -> None:
    turn = await bot.respond(text, make_ctx("fi"))
    assert turn.intent and turn.replies
    for reply in turn.replies:
        assert reply.text.strip() and not re.search(r"\{\w+\}", reply.text)
