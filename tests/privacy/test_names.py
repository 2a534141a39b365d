"""Person names: introduced, inflected, lower case; ordinary words stay."""

from __future__ import annotations

import logging
import sys

import pytest

from server.privacy import Anonymiser, morphology, tagger


@pytest.mark.parametrize("text, masked", [
    ("nimeni on eetu karjalainen ja tarvitsen apua", "nimeni on <NAME> ja tarvitsen apua"),
    ("mun nimi on liisa mäkinen", "mun nimi on <NAME>"),
    ("jag heter Kalle Lindholm", "jag heter <NAME>"),
    ("My name is John Smith.", "My name is <NAME>."),
    ("hi, this is Jussi Mäkelä speaking", "hi, this is <NAME> speaking"),
    ("terve, Kaisa Laine täällä", "terve, <NAME> täällä"),
    ("terveisin maija", "terveisin <NAME>"),
    ("poikani Otto Salminen tarvitsee apua", "poikani <NAME> tarvitsee apua"),
    ("sosiaaliohjaaja Marja Niemiselle", "sosiaaliohjaaja <NAME>"),
    ("soitin eilen Timo Peltolalle", "soitin eilen <NAME>"),
    ("kerroin Anna Koskiselle asiasta", "kerroin <NAME> asiasta"),
    ("Eilen tapasin Juha Lehtosen Vaasassa", "Eilen tapasin <NAME> Vaasassa"),
])
def test_names_go(text: str, masked: str) -> None:
    lang = "sv" if "jag" in text else "en" if text.startswith(("My", "hi")) else "fi"
    assert Anonymiser().mask(text, lang)[0] == masked


@pytest.mark.parametrize("text", [
    "olen väsynyt ja vuokra on rästissä", "Mielenterveystalo neuvoi soittamaan",
    "asun tampereella ja oon työtön", "I am tired and the rent is late",
    "Kiitos avusta. Jono oli pitkä. Asia selvisi.",
])
def test_ordinary_words_stay(text: str) -> None:
    assert Anonymiser().mask(text) == (text, [])


@pytest.mark.parametrize("text, masked", [
    # Inflected surnames and first names without an introducing phrase: Voikko knows them.
    ("soitin eilen Virtaselle", "soitin eilen <NAME>"),
    ("kävin Lehtosen kanssa virastossa", "kävin <NAME> kanssa virastossa"),
    ("puhuin Mikolla pitkään", "puhuin <NAME> pitkään"),
])
def test_inflected_names_found_with_finnish_morphology(text: str, masked: str) -> None:
    assert morphology.available(), "Debian's libvoikko1 and voikko-fi must be installed (make test)"
    assert tagger.model().morph
    assert Anonymiser().mask(text)[0] == masked


def test_without_morphology_the_fallback_model_still_finds_names(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A machine without libvoikko (e.g. `make run` without root) degrades, never silently."""
    monkeypatch.setattr(morphology, "_voikko", None)
    monkeypatch.setattr(morphology, "_tried", False)
    monkeypatch.setitem(sys.modules, "libvoikko", None)  # the import fails as if missing
    monkeypatch.setattr(tagger, "_models", {})
    morphology.classes.cache_clear()
    with caplog.at_level(logging.WARNING, logger="server.privacy.morphology"):
        assert not morphology.available()
    assert "Voikko) unavailable" in caplog.text
    try:
        assert not tagger.model().morph and not tagger.uses_morphology("fi")
        assert Anonymiser().mask("soitin eilen Timo Peltolalle")[0] == "soitin eilen <NAME>"
        assert Anonymiser().mask("Kiitos avusta. Jono oli pitkä.")[1] == []
    finally:
        morphology.classes.cache_clear()
