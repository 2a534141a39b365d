"""The factory the server uses to pick a bot runtime from configuration."""

from __future__ import annotations

from pathlib import Path

from bot.api import Bot

KINDS = ("embedded", "rasa")


def read_county_facts(path: Path) -> dict[str, str]:
    """County facts from a YAML file (NEUVO_COUNTY_FACTS) with the keys of `facts:` in
    bot/county.yml. Raises ValueError naming the file and the problem."""
    from bot.engine.facts import load_facts, read_facts_file
    from bot.engine.loader import DEFAULT_PROJECT

    return read_facts_file(path, frozenset(load_facts(DEFAULT_PROJECT).configured))


def make_bot(kind: str, rasa_url: str | None, facts: dict[str, str], *,
             rasa_timeout: float = 5.0, rasa_token: str | None = None,
             cache_directory: Path | None = None) -> Bot:
    """"embedded" (in-process, default) or "rasa" (a Rasa server at `rasa_url`). The server
    passes the NEUVO_* settings it has validated (the bot never reads the environment for them).

    Raises ValueError with a clear message on bad configuration.
    """
    if kind == "embedded":
        from bot.embedded import EmbeddedBot

        return EmbeddedBot.from_project(facts=facts, cache_directory=cache_directory)
    if kind == "rasa":
        if not rasa_url:
            raise ValueError("NEUVO_BOT=rasa needs NEUVO_RASA_URL, e.g. http://127.0.0.1:5005")
        from bot.rasa_bot import RasaBot

        return RasaBot(rasa_url, timeout=rasa_timeout, facts=facts, token=rasa_token)
    raise ValueError(f"unknown bot runtime {kind!r}; expected one of: {', '.join(KINDS)}")
