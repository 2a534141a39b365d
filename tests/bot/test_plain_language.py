"""The plain-language check (bot/plain_language.py) and every Finnish and Swedish answer passing it."""

from __future__ import annotations

import pytest

from bot import plain_language as pl
from bot.api import Lang
from bot.embedded import EmbeddedBot
from bot.engine.facts import fill


def test_sentences_do_not_split_dates_domains_or_abbreviations() -> None:
    text = "TE-toimistot lakkasivat 1.1.2025. Katso mieli.fi ja MIELI ry:n sivut. 112 Suomi auttaa."
    assert pl.sentences(text) == ["TE-toimistot lakkasivat 1.1.2025.", "Katso mieli.fi ja MIELI ry:n sivut.",
                                  "112 Suomi auttaa."]


def test_lix_of_a_known_text() -> None:
    # 9 words in 2 sentences, 1 of them ("springer") over six letters: 4.5 + 100 * 1/9.
    assert pl.lix("Jag har en stor hund. Hunden springer alltid snabbt.") == pytest.approx(4.5 + 100 / 9)


def test_long_sentence_and_long_word_are_reported() -> None:
    long_sentence = "Hätätekstiviesti vaatii " + "tosi " * 14 + "paljon."
    problems = pl.check(long_sentence, "fi")
    assert any("sentence of 17 words" in p for p in problems)
    assert pl.check("Hätätekstiviesti vaatii ennakkorekisteröinnin.", "fi") == [
        "long word (21 letters, max 17): 'ennakkorekisteröinnin'"]


def test_official_names_and_hyphenated_parts_pass() -> None:
    assert pl.check("Hae perustoimeentulotukea Kelasta. Ota yhteys mielenterveys- ja päihdepalveluihin.",
                    "fi") == []
    assert pl.check("Sök grundläggande utkomststöd hos FPA.", "sv") == []


def test_swedish_lix_limit() -> None:
    hard = ("Välfärdsområdets socialarbetare bedömer tillsammans med sysselsättningsmyndigheterna "
            "arbetsförmågan och rehabiliteringsbehovet.")
    assert any(p.startswith("LIX") for p in pl.check(hard, "sv"))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_answer_is_plain_language(bot: EmbeddedBot, lang: Lang) -> None:
    """Rendered as a resident sees it with the generic county wording (the longest case)."""
    engine = bot.engine()
    values = {**engine.facts.resolve(lang), "service_hours": "ma–pe klo 8–16"}
    problems = []
    for name in engine.project.responses:
        for variant in engine.project.variants(name, lang):
            problems += [f"{name}: {p}" for p in pl.check(fill(variant.text, values), lang)]
    assert problems == []
