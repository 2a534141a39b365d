"""Person names: introduced, inflected, lower case; ordinary words stay."""

from __future__ import annotations

import pytest

from server.privacy import Anonymiser


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
    assert Anonymiser().mask(text)[0] == masked


@pytest.mark.parametrize("text", [
    "olen väsynyt ja vuokra on rästissä", "Mielenterveystalo neuvoi soittamaan",
    "asun tampereella ja oon työtön", "I am tired and the rent is late",
    "Kiitos avusta. Jono oli pitkä. Asia selvisi.",
])
def test_ordinary_words_stay(text: str) -> None:
    assert Anonymiser().mask(text) == (text, [])
