"""Bot tests: no Redis/PostgreSQL needed; the real-Rasa suite runs only under `make test-rasa`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.api import BotContext, Lang
from bot.embedded import EmbeddedBot

RASA_ENV = "NEUVO_TEST_RASA"
REPO = Path(__file__).resolve().parents[2]
# A copy of the shared development set (../shared/data/nlu-dev.tsv), so that a clean clone
# runs the same tests. Never used for training (test_content checks for leaks).
DEV_SET = Path(os.environ.get("NEUVO_NLU_DEV", REPO / "tests" / "bot" / "data" / "nlu-dev.tsv"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "rasa: needs a real Rasa 3.6 server (run by `make test-rasa`, deselected otherwise)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(RASA_ENV) == "1":
        return
    deselected = [item for item in items if item.get_closest_marker("rasa")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("rasa")]


@pytest.fixture(scope="session", autouse=True)
def real_services() -> None:
    """The bot is a leaf package: its tests need no Redis or PostgreSQL (overrides tests/conftest)."""


@pytest.fixture(scope="session")
def bot() -> EmbeddedBot:
    embedded = EmbeddedBot.from_project()
    embedded.engine()
    return embedded


def make_ctx(lang: Lang = "fi", in_hours: bool = True, streak: int = 0,
             facts: dict[str, str] | None = None, staff_on_duty: bool = True) -> BotContext:
    hours = {"fi": "ma–pe klo 8–16", "sv": "mån–fre kl. 8–16", "en": "Mon–Fri 8–16"}[lang]
    return BotContext(chat_id="chat-1", lang=lang, in_service_hours=in_hours, service_hours_text=hours,
                      fallback_streak=streak, staff_on_duty=staff_on_duty, facts=facts or {})
