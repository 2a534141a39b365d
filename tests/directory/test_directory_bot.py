"""The embedded bot's directory answer (bot/engine/directory.py) on BotContexts the server
would build: points in the resident's language, at most three, the type asked with buttons,
the municipality asked with at most six buttons, and the general answer otherwise; the
fixed texts pass the plain-language check."""

from __future__ import annotations

import pytest

from bot.api import BotContext, Lang, ServicePoint
from bot.embedded import EmbeddedBot
from bot.plain_language import check
from bot.service_types import detect_type, parse_payload, payload, vocabulary


@pytest.fixture(scope="module")
def bot() -> EmbeddedBot:
    embedded = EmbeddedBot.from_project()
    embedded.engine()
    return embedded


def ctx(lang: Lang = "fi", municipality: str | None = "Seinäjoki",
        services: tuple[ServicePoint, ...] = (),
        places: tuple[str, ...] = ()) -> BotContext:
    return BotContext(chat_id="c", lang=lang, in_service_hours=True, service_hours_text="8–16",
                      municipality=municipality, services=services,
                      service_municipalities=places)


def station(name: str, langs: tuple[str, ...] = ("fi",), kind: str = "health_station") -> ServicePoint:
    return ServicePoint(name={"fi": name, "sv": name + " (sv)"}, type=kind,
                        municipality="Seinäjoki", address="Koulukatu 1",
                        hours={"fi": "ma–pe 8–16"}, phone="06 123 4567", languages=langs)


def texts(bot: EmbeddedBot, text: str, context: BotContext) -> list[str]:
    turn = bot.respond_sync(text, context)
    assert turn.intent == "service_directory", turn
    return [r.text for r in turn.replies]


def test_at_most_three_points_those_in_the_residents_language_first(bot: EmbeddedBot) -> None:
    points = (*(station(f"Asema {n}", ("fi",)) for n in range(4)),
              station("Asema sv", ("fi", "sv")))
    swedish = texts(bot, "var ligger hälsostationen", ctx("sv", services=points))
    assert swedish[0] == "Hälsostation, Seinäjoki:"
    assert swedish[1].startswith("Asema sv (sv)\nAdress: Koulukatu 1\nÖppettider: ma–pe 8–16")
    assert len(swedish) == 5 and swedish[-1] == "Det finns 2 ställen till."


def test_the_type_is_asked_when_the_message_names_none(bot: EmbeddedBot) -> None:
    points = (station("Asema"), station("Ruoka-apu", kind="food_aid"))
    turn = bot.respond_sync("palvelupaikat mun kunnassa", ctx(services=points))
    assert turn.intent == "service_directory"
    assert [b.title for b in turn.replies[0].buttons] == ["Terveysasema", "Ruoka-apu"]
    chosen = turn.replies[0].buttons[1].payload
    assert parse_payload(chosen) == {"type": "food_aid"}
    assert "Ruoka-apu" in texts(bot, chosen, ctx(services=points))[1]


def test_the_municipality_is_asked_with_at_most_six_buttons(bot: EmbeddedBot) -> None:
    places = tuple(f"Kunta {n}" for n in range(9))
    turn = bot.respond_sync("missä on lähin terveysasema", ctx("en", None, places=places))
    buttons = turn.replies[0].buttons
    assert len(buttons) == 6 and buttons[-1].title == "Another municipality"
    assert parse_payload(buttons[0].payload) == {"municipality": "Kunta 0",
                                                 "type": "health_station"}
    general = texts(bot, buttons[-1].payload, ctx("en", None, places=places))
    assert general[0].startswith("Service guidance tells you where")


def test_the_general_answer_when_there_is_nothing_to_show(bot: EmbeddedBot) -> None:
    general = texts(bot, "missä on lähin terveysasema", ctx())  # an empty directory
    assert general[0].startswith("Palveluneuvonta kertoo")
    other = texts(bot, "missä on perhekeskus", ctx(services=(station("Asema"),)))
    assert other[0] == "En löydä tätä palvelua luettelosta. Kunta: Seinäjoki."
    assert other[1].startswith("Palveluneuvonta kertoo")


def test_keywords_payloads_and_plain_language() -> None:
    assert detect_type("missä on lähin terveysasema", "fi") == "health_station"
    assert detect_type("mikä on sossun numero", "fi") == "social_services_office"
    assert detect_type("where is the a-clinic", "en") == "substance_services"
    assert detect_type("mitä kuuluu", "fi") is None
    assert parse_payload(payload("Vaasa", "food_aid")) == {"municipality": "Vaasa",
                                                            "type": "food_aid"}
    assert parse_payload('/service_directory{"municipality": 5, "x": "y"}') == {}
    assert parse_payload("/service_directory{not json") == {}
    assert parse_payload("/greet") is None
    assert parse_payload("/service_directory" + "x" * 400) is None
    vocab = vocabulary()
    for lang in ("fi", "sv", "en"):
        for key in ("ask_municipality", "ask_type", "more", "not_found"):
            text = str(vocab.text(lang, key)).format(municipality="Seinäjoki", count=2)
            assert check(text, lang) == [], (lang, key)
