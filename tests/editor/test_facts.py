"""County facts in the editor (issue 12): validation with clear messages, sources (editor,
environment, generic wording), the conflict on a stale revision and the editor history, on
SQLite and PostgreSQL in process; the anonymiser keeps the numbers an editor set; over HTTP
the 422 messages and the roles (staff and supervisors get 403 on every route of
http_editor_tools); and a change reaching the bot's answer on another server process
through Redis without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from server.config import Settings
from server.privacy import chat_stats
from server.services import closing, service_config
from server.services.content import facts, store
from server.services.errors import InvalidInput
from server.services.messages import post_message
from server.store.models_stats import StatsMessage
from tests.backends import Backend
from tests.clients import unique
from tests.editor.editor_helpers import EMBEDDED, api, bot_answer
from tests.processes import ServerProcess, create_staff, start_server
from tests.services import conftest as service_fixtures
from tests.services.conftest import Services
from tests.waiting import eventually

pytestmark = pytest.mark.timeout(300)
database_url, svc = service_fixtures.database_url, service_fixtures.svc
PHONE = "06 555 1234"
QUESTION = "tarvitsen asumisneuvontaa"  # housing_advice quotes {service_guidance_phone}
BAD = [
    ({"service_guidance_phone": "soita meille"}, "phone number"),
    ({"service_guidance_phone": "12"}, "phone number"),
    ({"no_such_fact": "x"}, "unknown county fact"),
    ({"county_website": "http://www.example.fi"}, "https://"),
    ({"county_website": "https://"}, "not a web address"),
    ({"lahitori_places": "Kauppakatu 1\nSeinäjoki"}, "one line"),
    ({"lahitori_places": "Kauppakatu\x001"}, "one line"),
    ({"lahitori_places": "{county_website}"}, "not allowed"),
    ({"lahitori_places": "x" * 501}, "at most 500"),
]
TOOL_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/editor/facts", None),
    ("PUT", "/api/v1/editor/facts", {"values": {}, "revision": 0}),
    ("GET", "/api/v1/editor/parity", None),
    ("POST", "/api/v1/editor/parity/housing_advice/sv/checked", {"revision": 1}),
    ("POST", "/api/v1/editor/preview", {"text": "hei", "lang": "fi"}),
]


class FactsBot:
    """Stands for the LiveBot: records the facts the settings reload hands over."""

    def __init__(self) -> None:
        self.facts: dict[str, str] = {}

    def set_facts(self, values: dict[str, str]) -> None:
        self.facts = dict(values)


def _items(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in view["items"]}


async def test_sources_defaults_and_the_bot_gets_the_effective_facts(
        svc: Services, tmp_path: Path) -> None:
    env_file = tmp_path / "facts.yml"
    env_file.write_text('county_website: "https://www.example-hva.fi"\n', encoding="utf-8")
    svc.ctx.settings = Settings(dev=True, database_url=svc.ctx.settings.database_url,
                                bot="minimal", county_facts=env_file)
    bot = FactsBot()
    svc.ctx.bot = bot  # type: ignore[assignment]
    first = await facts.get_facts(svc.ctx)
    items = _items(first)
    assert first["revision"] == 0 and list(items) == facts.keys()
    assert items["county_website"] | {"generic": None} == {
        "key": "county_website", "value": "https://www.example-hva.fi", "generic": None,
        "default": "https://www.example-hva.fi", "source": "environment", "saved": False,
        "kind": "url", "max_length": 200}
    assert items["service_guidance_phone"]["source"] == "generic"
    assert items["service_guidance_phone"]["generic"]["sv"]

    saved = await facts.save_facts(svc.ctx, "id1", "ed1", {
        "service_guidance_phone": f"  {PHONE} ", "county_website": ""}, 0)
    items = _items(saved)
    assert saved["revision"] == 1
    assert (items["service_guidance_phone"]["value"], items["service_guidance_phone"]["source"]) \
        == (PHONE, "editor")
    assert (items["county_website"]["value"], items["county_website"]["source"]) == ("", "generic")
    assert (await service_config.current(svc.ctx)).facts["service_guidance_phone"] == PHONE
    assert bot.facts == {"county_website": "", "service_guidance_phone": PHONE}

    # None returns a key to the environment's value
    again = await facts.save_facts(svc.ctx, "id1", "ed1", {"county_website": None}, 1)
    assert _items(again)["county_website"]["source"] == "environment"
    await service_config.current(svc.ctx)
    assert bot.facts["county_website"] == "https://www.example-hva.fi"
    history = await store.changes_for(svc.ctx, "*")
    assert [(c.action, c.staff) for c in history[:2]] == [("facts", "ed1"), ("facts", "ed1")]
    assert PHONE in history[1].summary and "county_website: default" in history[0].summary
    # saving the same values changes nothing and records nothing
    same = await facts.save_facts(svc.ctx, "id1", "ed1", {"county_website": None}, 2)
    assert same["revision"] == 2 and len(await store.changes_for(svc.ctx, "*")) == len(history)


@pytest.mark.parametrize(("values", "message"), BAD)
async def test_bad_values_are_refused_with_a_message(
        svc: Services, values: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        await facts.save_facts(svc.ctx, "id1", "ed1", values, 0)
    assert (await facts.get_facts(svc.ctx))["revision"] == 0


async def test_good_phone_numbers(svc: Services) -> None:
    for number in ("116 123", "+358 6 123 4567", "(06) 123-4567", "112"):
        assert facts.clean("social_emergency_phone", number) == number
    assert facts.clean("county_website", "https://www.example.fi/sote?x=1") != ""


async def test_a_stale_revision_is_a_conflict_with_the_current_values(svc: Services) -> None:
    await facts.save_facts(svc.ctx, "id1", "ed1", {"service_guidance_phone": PHONE}, 0)
    with pytest.raises(facts.FactsConflict) as refused:
        await facts.save_facts(svc.ctx, "id2", "ed2", {"service_guidance_phone": "112"}, 0)
    current = refused.value.details()["current"]
    assert current["revision"] == 1
    assert _items(current)["service_guidance_phone"]["value"] == PHONE


async def test_the_anonymiser_keeps_the_numbers_editors_set(svc: Services) -> None:
    await facts.save_facts(svc.ctx, "id1", "ed1", {"service_guidance_phone": PHONE}, 0)
    chat_id = await svc.chat()
    await post_message(svc.ctx, chat_id, "resident", f"soitin {PHONE} ja 040 765 4321")
    await closing.close_by_resident(svc.ctx, chat_id)
    await chat_stats.sync(svc.ctx, chat_id)
    async with svc.ctx.db.read() as session:
        texts = [m.text for m in await session.scalars(select(StatsMessage).where(
            col(StatsMessage.chat_id) == chat_id, col(StatsMessage.author) == "resident"))]
    assert PHONE in texts[0] and "765 4321" not in texts[0]


# --- over HTTP ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("facts")) as srv:
        yield srv


@pytest.mark.parametrize("role", ["staff", "supervisor"])
async def test_staff_and_supervisors_get_403(server: ServerProcess, role: str) -> None:
    name = create_staff(server, unique("r"), role=role)
    async with api(server, name) as a:
        for method, path, body in TOOL_ROUTES:
            response = await a.call(method, path, body)
            assert response.status_code == 403, (method, path, response.text)


async def test_http_refusals_and_csrf(server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        for method, path, body in TOOL_ROUTES:
            if method != "GET":
                response = await a.call(method, path, body, csrf=False)
                assert response.status_code == 403, (method, path, response.text)
        for values, message in BAD:
            response = await a.call("PUT", "/api/v1/editor/facts",
                                    {"values": values, "revision": 0})
            assert response.status_code == 422, response.text
            assert message in response.json()["message"]
        view = await a.ok("PUT", "/api/v1/editor/facts",
                          {"values": {"service_guidance_phone": PHONE}, "revision": 0})
        stale = await a.call("PUT", "/api/v1/editor/facts",
                             {"values": {"service_guidance_phone": "112"}, "revision": 0})
        assert stale.status_code == 409 and stale.json()["current"] == view
        parity = await a.ok("GET", "/api/v1/editor/parity")
        assert parity["counts"]["missing"] == 0
        intent = await a.ok("GET", "/api/v1/editor/intents/housing_advice")
        row = await a.ok("POST", "/api/v1/editor/parity/housing_advice/sv/checked",
                         {"revision": intent["revision"]})
        assert row["cells"]["sv"]["checked"]
        wrong = await a.call("POST", "/api/v1/editor/parity/housing_advice/xx/checked",
                             {"revision": intent["revision"]})
        assert wrong.status_code == 422


# --- another process, through Redis ------------------------------------------------------
@pytest.fixture(scope="module")
def pg_redis() -> Iterator[Backend]:
    backend = Backend("postgres-redis")
    yield backend
    backend.close()


async def test_a_fact_reaches_the_bot_on_another_process_without_a_restart(
        pg_redis: Backend, tmp_path: Path) -> None:
    with pg_redis.server(tmp_path / "a", **EMBEDDED) as a_srv, \
            pg_redis.server(tmp_path / "b", **EMBEDDED) as b_srv:
        editor = create_staff(a_srv, unique("ed"), role="editor")
        assert PHONE not in await bot_answer(b_srv, QUESTION)
        async with api(a_srv, editor) as a:
            await a.ok("PUT", "/api/v1/editor/facts",
                       {"values": {"service_guidance_phone": PHONE}, "revision": 0})

        async def b_quotes_it() -> bool:
            return PHONE in await bot_answer(b_srv, QUESTION)

        await eventually(b_quotes_it, timeout=20, step=0.2)
        assert "Palveluneuvonta" in await bot_answer(b_srv, QUESTION)
