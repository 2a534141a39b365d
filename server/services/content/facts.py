"""County facts in the editor: the phone numbers, addresses and web site the bot's answers
quote as `{placeholders}` (the keys of `facts:` in bot/county.yml).

They are stored as one service setting (`county_facts`: `{"values", "revision"}`) the way the
service hours are: NEUVO_COUNTY_FACTS stays the default until an editor saves a value, and
saving publishes `config.changed`, so every process reloads its settings and hands the new
facts to its bot (services/service_config.py) without a restart. A value of "" means the
generic wording of county.yml in the chat's language; removing the editor's value (None)
returns to the environment's. Saves carry the revision the editor read: a stale one is a
409 with the current values, nothing is overwritten. Each save is in the editor history
(intent `*`, action `facts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.engine.facts import CountyFacts, load_facts
from bot.engine.loader import DEFAULT_PROJECT
from server import vocabulary
from server.protocol.frames import ConfigChanged
from server.services import service_config
from server.services.context import ServiceContext
from server.services.errors import Conflict, InvalidInput
from server.store.models import ServiceSetting
from server.store.models_content import ContentChange

Kind = Literal["phone", "url", "text"]
MAX_LENGTH: dict[Kind, int] = {"phone": 40, "url": 200, "text": 500}
MAX_SUMMARY = 500
_PHONE = re.compile(r"^\+?[0-9()][0-9 ()\-]*$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class FactsConflict(Conflict):
    """Another editor saved the facts after this one read them: `current` is the view."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current

    def details(self) -> dict[str, Any]:
        return {"current": self.current}


@lru_cache(maxsize=1)
def county() -> CountyFacts:
    """The known keys (county.yml `facts:`, in its order) and their generic wordings."""
    return load_facts(DEFAULT_PROJECT)


def keys() -> list[str]:
    return list(county().configured)


def kind(key: str) -> Kind:
    if key.endswith("_phone"):
        return "phone"
    return "url" if key == "county_website" else "text"


def clean(key: str, value: str) -> str:
    """The value to store, or InvalidInput saying in plain words what is wrong with it."""
    if key not in county().configured:
        raise InvalidInput(f"unknown county fact '{key[:64]}'; the facts are: "
                           + ", ".join(keys()))
    text = value.strip()
    what = kind(key)
    if _CONTROL.search(text):
        raise InvalidInput(f"{key}: write it on one line, without line breaks or control "
                           "characters")
    if len(text) > MAX_LENGTH[what]:
        raise InvalidInput(f"{key}: at most {MAX_LENGTH[what]} characters")
    if "{" in text or "}" in text:
        raise InvalidInput(f"{key}: the characters {{ and }} are not allowed")
    if not text:
        return ""
    if what == "phone":
        digits = sum(ch.isdigit() for ch in text)
        if not _PHONE.match(text) or not 3 <= digits <= 20:
            raise InvalidInput(f"{key}: a phone number has digits, spaces, +, - and "
                               "parentheses, e.g. 06 123 4567, +358 6 123 4567 or 116 123")
    elif what == "url":
        _check_url(key, text)
    return text


def _check_url(key: str, text: str) -> None:
    example = "e.g. https://www.example-hyvinvointialue.fi"
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        raise InvalidInput(f"{key}: not a web address; {example}") from None
    if parts.scheme != "https":
        raise InvalidInput(f"{key}: the web address must start with https:// ({example})")
    if " " in text or "." not in host or parts.username or parts.password:
        raise InvalidInput(f"{key}: not a web address; {example}")


async def _read(ctx: ServiceContext) -> tuple[dict[str, Any] | None, str | None]:
    """The editor's saved facts (fresh from the database) and the row's text as stored."""
    async with ctx.db.read() as session:
        row = await session.get(ServiceSetting, service_config.FACTS_KEY)
    if row is None:
        return None, None
    return json.loads(row.value), row.value


def view(saved: dict[str, Any] | None, environment: dict[str, str]) -> dict[str, Any]:
    values: dict[str, str] = (saved or {}).get("values", {})
    items = []
    for key in keys():
        default = environment.get(key, "")
        value = values[key] if key in values else default
        source = ("editor" if key in values else "environment") if value else "generic"
        items.append({
            "key": key, "value": value, "default": default, "source": source,
            "saved": key in values, "kind": kind(key), "max_length": MAX_LENGTH[kind(key)],
            "generic": {lang: county().generic.get(lang, {}).get(key, "")
                        for lang in vocabulary.LANGS}})
    return {"items": items, "revision": int((saved or {}).get("revision", 0))}


async def get_facts(ctx: ServiceContext) -> dict[str, Any]:
    saved, _ = await _read(ctx)
    return view(saved, ctx.settings.facts)


def _summary(changed: dict[str, str | None]) -> str:
    parts = [f"{key}: " + ("default" if value is None else repr(value) if value else "generic")
             for key, value in changed.items()]
    text = "county facts: " + "; ".join(parts)
    return text if len(text) <= MAX_SUMMARY else text[:MAX_SUMMARY - 1] + "…"


async def save_facts(ctx: ServiceContext, staff_id: str, username: str,
                     values: Mapping[str, str | None], revision: int) -> dict[str, Any]:
    """Set (text, "" = generic wording) or remove (None = the environment's) the editor's
    values for the keys given; others stay. Returns the new view."""
    cleaned = {key: None if value is None else clean(key, value)
               for key, value in values.items()}
    saved, stored_text = await _read(ctx)
    current = view(saved, ctx.settings.facts)
    if current["revision"] != revision:
        raise FactsConflict("another editor changed the county facts after you opened them; "
                            "check their values and save again", current)
    before: dict[str, str] = dict((saved or {}).get("values", {}))
    after = dict(before)
    for key, value in cleaned.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = value
    changed = {key: after.get(key) for key in cleaned if before.get(key) != after.get(key)}
    if not changed:
        return current
    new = {"values": after, "revision": revision + 1}
    await _write(ctx, stored_text, json.dumps(new, ensure_ascii=False), staff_id,
                 ContentChange(intent="*", action="facts", summary=_summary(changed),
                               staff=username))
    return view(new, ctx.settings.facts)


async def _write(ctx: ServiceContext, old: str | None, text: str, staff_id: str,
                 change: ContentChange) -> None:
    """Store the row only if nobody else did since it was read (one conditional UPDATE, or
    an INSERT that loses to another), record the change, then tell every process."""
    lost = FactsConflict("another editor changed the county facts at the same moment; "
                         "check their values and save again", {})
    try:
        async with ctx.db.write() as session:
            if old is None:
                session.add(ServiceSetting(key=service_config.FACTS_KEY, value=text,
                                           updated_by=staff_id[:32], updated_at=ctx.clock()))
                await session.flush()
            else:
                result = await session.execute(
                    update(ServiceSetting).where(
                        col(ServiceSetting.key) == service_config.FACTS_KEY,
                        col(ServiceSetting.value) == old)
                    .values(value=text, updated_by=staff_id[:32], updated_at=ctx.clock()))
                if getattr(result, "rowcount", 0) != 1:
                    raise lost
            session.add(change)
    except IntegrityError:
        lost.current = await get_facts(ctx)
        raise lost from None
    except FactsConflict:
        lost.current = await get_facts(ctx)
        raise
    ctx.config_cache.invalidate()
    await ctx.publish(service_config.CONFIG_TOPIC, ConfigChanged())


async def effective(ctx: ServiceContext) -> dict[str, str]:
    """The facts the bot answers with in this process (cached, reloaded on config.changed)."""
    return (await service_config.current(ctx)).facts
