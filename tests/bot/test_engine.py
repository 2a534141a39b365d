"""Classifier quality, the safety layer, payloads and bad input."""

from __future__ import annotations

import pytest

from bot.catalogue import FALLBACK_INTENT, SAFETY_INTENTS
from bot.embedded import EmbeddedBot
from bot.engine.evaluate import evaluate, read_tsv
from tests.bot.conftest import DEV_SET

FILLER = {
    "fi": "Minulla on ollut vähän hankala kevät ja mietin monia asioita töistä ja rahasta. ",
    "sv": "Jag har haft en lite svår vår och funderar på många saker om jobb och pengar. ",
    "en": "I have had a difficult spring and I keep thinking about work and money. ",
}
CUES = {
    "fi": ["en halua enää elää", "mies lyö minua joka ilta", "naapurin lasta hakataan",
           "kaveri otti liikaa lääkkeitä eikä herää"],
    "sv": ["jag vill ta mitt liv", "min sambo slår mig", "barnet blir slaget hemma"],
    "en": ["I want to kill myself", "my boyfriend hits me", "the kids are home alone and hungry"],
}


def test_dev_set_accuracy_floor_and_safety_recall(bot: EmbeddedBot) -> None:
    report = evaluate(bot.engine(), read_tsv(DEV_SET))
    assert report.accuracy >= 0.85, report.errors
    assert report.macro_f1 >= 0.80
    assert report.safety_recall == 1.0


@pytest.mark.parametrize("text,intent", [
    ("mää tarviin toimeentulotukee", "income_support_basic"),
    ("ku ei oo rahaa ruokaan tänää", "income_support_urgent"),
    ("lahitori", "lahitori"),
    ("velkaneuvontaa", "debt_advice"),
    ("omaishoidon tuen haku", "informal_care"),
])
def test_spoken_forms_typos_and_missing_diacritics(bot: EmbeddedBot, text: str, intent: str) -> None:
    assert bot.parse(text, "fi").intent == intent


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_safety_cue_inside_a_long_message(bot: EmbeddedBot, lang: str) -> None:
    for cue in CUES[lang]:
        text = FILLER[lang] * 20 + cue + ". " + FILLER[lang] * 25
        assert len(text) > 3000
        parse = bot.parse(text, lang)
        assert parse.safety and parse.intent in SAFETY_INTENTS, cue


def test_safety_wins_over_a_faq_answer(bot: EmbeddedBot) -> None:
    parse = bot.parse("miten haen toimeentulotukea, en jaksa enää elää", "fi")
    assert parse.safety and parse.intent == "crisis_suicide"


def test_ordinary_questions_are_not_safety_cases(bot: EmbeddedBot) -> None:
    for text in ("miten haen toimeentulotukea", "missä on lähitori", "hur ansöker jag om utkomststöd",
                 "where is the food bank", "kiitos avusta", "asumisneuvonta"):
        assert not bot.parse(text).safety, text


def test_payloads_are_rasa_style(bot: EmbeddedBot) -> None:
    assert bot.parse("/request_human").intent == "request_human"
    assert bot.parse("/request_human").confidence == 1.0
    assert bot.parse("/crisis_suicide").safety
    assert bot.parse("/not_an_intent").intent == FALLBACK_INTENT


@pytest.mark.parametrize("text", [
    "", "   ", "🙂🙂🙂", "x" * 4000, "a\x00b\x07c\u202e\ufeff", "<script>alert('x')</script>",
    "hej moi hello apua help", "'; DROP TABLE chats; --", "\n\n\t", "ääää" * 1000, "/", "/{}",
])
def test_bad_input_gives_an_answer_not_an_exception(bot: EmbeddedBot, text: str) -> None:
    parse = bot.parse(text, "fi")
    assert parse.intent
    assert 0.0 <= parse.confidence <= 1.0
    shape = parse.to_rasa(text)
    assert set(shape) == {"text", "intent", "intent_ranking", "entities", "safety"}


def test_gibberish_falls_back(bot: EmbeddedBot) -> None:
    for text in ("qwxzv plorf", "zzzzzz", "asdfghjkl"):
        assert bot.parse(text).intent == FALLBACK_INTENT, text
