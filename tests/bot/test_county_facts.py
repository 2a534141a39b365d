"""NEUVO_COUNTY_FACTS: county facts from a YAML file, checked at start-up, used in answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.embedded import EmbeddedBot
from bot.runtime import make_bot, read_county_facts
from server.app import make_bot as make_server_bot
from server.config import ConfigError, load_settings
from server.services.content.live import LiveBot
from tests.bot.conftest import make_ctx


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("NEUVO_BOT", "NEUVO_RASA_URL", "NEUVO_COUNTY_FACTS", "NEUVO_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEUVO_DEV", "1")
    return monkeypatch


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_bot_is_embedded_without_facts(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.bot == "embedded" and settings.facts == {}


async def test_configured_facts_reach_the_answers(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = _write(tmp_path, 'social_emergency_phone: "06 123 4567"\nfood_aid_places: ""\n')
    env.setenv("NEUVO_COUNTY_FACTS", str(path))
    settings = load_settings()
    assert settings.facts == {"social_emergency_phone": "06 123 4567", "food_aid_places": ""}
    # The server's embedded bot answers from the published content with these facts …
    assert isinstance(make_server_bot(settings), LiveBot)
    # … through the same embedded runtime, built here from the shipped content.
    bot = make_bot(settings.bot, None, settings.facts)
    assert isinstance(bot, EmbeddedBot)
    turn = await bot.respond("sosiaalipäivystyksen puhelinnumero", make_ctx("sv"))
    assert "06 123 4567" in turn.replies[0].text
    food = await bot.respond("ruoka-apua", make_ctx("fi"))  # empty value: the generic wording
    assert "seurakunnasta" in food.replies[0].text


@pytest.mark.parametrize("text,problem", [
    ("social_emergency_phone: '06 1'\nsocial_emergncy_phone: '06 2'\n", "unknown keys social_emergncy_phone"),
    ("social_emergency_phone: 061234567\n", "expected quoted text, got int"),
    ("county_website: [a, b]\n", "expected quoted text, got list"),
    ("- social_emergency_phone\n", "expected a mapping"),
    ("county_website: 'https://x.fi'\nfood_aid_places: a: b\n", "facts.yml:2: not valid YAML (mapping"),
    ("county_website: 'see {service_hours}'\n", "no control characters or {placeholders}"),
])
def test_bad_facts_fail_at_start_naming_the_variable(env: pytest.MonkeyPatch, tmp_path: Path, text: str,
                                                     problem: str) -> None:
    env.setenv("NEUVO_COUNTY_FACTS", str(_write(tmp_path, text)))
    with pytest.raises(ConfigError) as exc:
        load_settings()
    assert "NEUVO_COUNTY_FACTS" in str(exc.value) and problem in str(exc.value), str(exc.value)


def test_missing_file_fails_at_start(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("NEUVO_COUNTY_FACTS", str(tmp_path / "nope.yml"))
    with pytest.raises(ConfigError, match=r"NEUVO_COUNTY_FACTS.*cannot read"):
        load_settings()


def test_every_key_of_county_yml_is_accepted(tmp_path: Path) -> None:
    keys = ["social_emergency_phone", "adult_social_work_phone", "service_guidance_phone",
            "mental_health_phone", "county_website", "lahitori_places", "food_aid_places",
            "social_ombudsman_phone", "digital_support_places"]
    path = _write(tmp_path, "".join(f'{k}: "value {i}"\n' for i, k in enumerate(keys)))
    assert read_county_facts(path) == {k: f"value {i}" for i, k in enumerate(keys)}
