"""The service directory through running servers on SQLite and on PostgreSQL + Redis with the
embedded bot: the HTTP API (roles, CSRF, conflicts, unknown ids, bad bodies, CSV import and
export) and the bot's directory answers to residents — a municipality with a service point,
one without (the general answer), and no municipality (buttons; the chosen one is stored
on the chat)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.backends import BACKENDS, Backend
from tests.clients import Resident, created, unique
from tests.directory.helpers import XSS, api_point
from tests.editor.editor_helpers import Api, api
from tests.processes import ServerProcess, create_staff

pytestmark = pytest.mark.timeout(300)
P = "/api/v1/directory"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = Backend(request.param)
    try:
        with backend.server(tmp_path_factory.mktemp("directory"), NEUVO_BOT="embedded") as srv:
            yield srv
    finally:
        backend.close()


@pytest.fixture(scope="module")
def editor(server: ServerProcess) -> str:
    return create_staff(server, unique("ed"), role="editor")


async def _seed(a: Api) -> dict[str, Any]:
    """A health station in Seinäjoki (once per server)."""
    items = (await a.ok("GET", f"{P}/points?municipality=Seinäjoki&type=health_station"))["items"]
    if items:
        return dict(items[0])
    body = api_point(type="health_station", name={
        "fi": "Seinäjoen terveysasema", "sv": "Seinäjoki hälsostation",
        "en": "Seinäjoki health centre"}, address="Koulukatu 1, Seinäjoki",
        phone="06 123 4567", hours={"fi": "ma–pe 8–16", "sv": "mån–fre 8–16"})
    return dict(await a.ok("POST", f"{P}/points", body, status=201))


async def test_roles_and_csrf(server: ServerProcess, editor: str) -> None:
    staff = create_staff(server, unique("st"), role="staff")
    supervisor = create_staff(server, unique("sup"), role="supervisor")
    admin = create_staff(server, unique("adm"), role="admin")
    async with api(server, staff) as a:
        for method, path in (("GET", f"{P}/points"), ("POST", f"{P}/points"),
                             ("GET", f"{P}/points/x"), ("PUT", f"{P}/points/x"),
                             ("DELETE", f"{P}/points/x"), ("GET", f"{P}/history"),
                             ("POST", f"{P}/import"), ("GET", f"{P}/export.csv"),
                             ("GET", f"{P}/vocabulary"), ("GET", f"{P}/points/x/history")):
            response = await a.call(method, path, api_point())
            assert response.status_code == 403, (method, path, response.text)
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        assert (await anonymous.get(f"{P}/points")).status_code == 401
    for name in (editor, supervisor, admin):
        async with api(server, name) as a:
            await a.ok("GET", f"{P}/points")
            no_csrf = await a.call("POST", f"{P}/points", api_point(), csrf=False)
            assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["message"]
    async with api(server, supervisor) as a:
        made = await a.ok("POST", f"{P}/points", api_point(municipality="Kauhava"), status=201)
        assert made["updated_by"] == supervisor
        await a.ok("DELETE", f"{P}/points/{made['id']}?revision=1")


async def test_crud_conflict_unknown_ids_and_bad_bodies(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        made = await a.ok("POST", f"{P}/points", api_point(municipality="Lapua"), status=201)
        path = f"{P}/points/{made['id']}"
        assert (await a.ok("GET", path))["name"]["sv"] == "Seinäjoki socialbyrå"
        saved = await a.ok("PUT", path, {**api_point(municipality="Lapua", phone="06 1"),
                                         "revision": 1}, status=422)
        assert saved["errors"][0]["code"] == "bad_phone"
        saved = await a.ok("PUT", path, {**api_point(municipality="Lapua"), "revision": 1})
        assert saved["revision"] == 2
        late = await a.call("PUT", path, {**api_point(municipality="Lapua"), "revision": 1})
        assert late.status_code == 409 and late.json()["current"]["revision"] == 2
        assert (await a.call("DELETE", f"{path}?revision=1")).status_code == 409
        assert (await a.call("DELETE", f"{path}?revision=x")).status_code == 422
        for method in ("GET", "PUT", "DELETE"):
            missing = await a.call(method, f"{P}/points/nosuchpoint",
                                   {**api_point(), "revision": 1})
            assert missing.status_code == 404 and "nosuchpoint" in missing.json()["message"]
        for bad in ({**api_point(), "extra": 1}, {**api_point(), "name": "text"},
                    {**api_point(), "languages": "fi"}, {**api_point(), "type": 5}):
            assert (await a.call("POST", f"{P}/points", bad)).status_code == 422
        assert (await a.call("POST", f"{P}/points", content=b"{nope",
                             headers={"content-type": "application/json"})).status_code == 422
        refused = await a.ok("POST", f"{P}/points", api_point(municipality="Atlantis"), status=422)
        assert refused["errors"] == [{"field": "municipality", "code": "unknown_municipality",
                                      "message": "'Atlantis' is not a Finnish municipality"}]
        assert (await a.call("GET", f"{P}/points?municipality=Atlantis")).status_code == 422
        assert (await a.call("GET", f"{P}/points?colour=red")).status_code == 422
        await a.ok("DELETE", f"{path}?revision=2")
        history = await a.ok("GET", f"{path}/history")
        assert [i["action"] for i in history["items"]] == ["delete", "update", "create"]
        vocab = await a.ok("GET", f"{P}/vocabulary")
        assert {"fi": "Vaasa", "sv": "Vasa"} in vocab["municipalities"]
        assert len(vocab["municipalities"]) == 309


async def test_csv_import_refusal_limits_and_export(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        bad = "type;municipality;name_fi\nlahitori;Kemi;Kemin lähitori\nlahitori;Atlantis;X\n"
        refused = await a.call("POST", f"{P}/import", content=bad.encode(),
                               headers={"content-type": "text/csv"})
        assert refused.status_code == 422, refused.text
        assert [(e["line"], e["code"]) for e in refused.json()["errors"]] == [
            (3, "unknown_municipality")]
        assert (await a.ok("GET", f"{P}/points?municipality=Kemi"))["items"] == []
        huge = await a.call("POST", f"{P}/import", content=b"x" * (1024 * 1024 + 10),
                            headers={"content-type": "text/csv"})
        assert huge.status_code == 413
        wrong = await a.call("POST", f"{P}/import?mode=everything", content=b"type\n",
                             headers={"content-type": "text/csv"})
        assert wrong.status_code == 422
        good = "type;municipality;name_fi\nlahitori;Kemi;" + XSS[:150] + "\n"
        done = await a.call("POST", f"{P}/import", content=good.encode(),
                            headers={"content-type": "text/csv"})
        assert done.json() == {"added": 1, "updated": 0, "deleted": 0, "mode": "merge"}
        export = await a.call("GET", f"{P}/export.csv?sep=comma")
        assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
        assert "attachment" in export.headers["content-disposition"]
        assert export.text.lstrip("\ufeff").startswith("id,type,municipality,name_fi")
        assert "Kemi" in export.text
        stored = (await a.ok("GET", f"{P}/points?municipality=Kemi"))["items"][0]
        assert stored["name"]["fi"] == XSS[:150]  # text, verbatim
        await a.ok("DELETE", f"{P}/points/{stored['id']}")


async def _bot_turn(resident: Resident, text: str, until: str) -> list[dict[str, Any]]:
    """Say `text`; the bot's messages after it, up to the one containing `until`."""
    ack = await resident.say(text)
    frames = await resident.until(lambda f: f["type"] == "message.created"
                                  and f["author"] == "bot" and until in f["text"], timeout=20)
    return [f for f in created(frames) if f["seq"] > ack["seq"]]


async def test_bot_answers_from_the_directory_for_the_chats_municipality(
        server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        await _seed(a)
    resident = await Resident.start(server, "fi", municipality="Seinäjoki")
    replies = await _bot_turn(resident, "missä on lähin terveysasema", "Koulukatu 1")
    text = "\n".join(r["text"] for r in replies)
    assert "Terveysasema, Seinäjoki:" in text and "Seinäjoen terveysasema" in text
    assert "Puhelin: 06 123 4567" in text and "Aukioloajat: ma–pe 8–16" in text
    swedish = await Resident.start(server, "sv", municipality="Seinäjoki")
    replies = await _bot_turn(swedish, "var ligger hälsostationen", "Koulukatu 1")
    text = "\n".join(r["text"] for r in replies)
    assert "Seinäjoki hälsostation" in text and "Öppettider: mån–fre 8–16" in text
    assert "Språk: finska, svenska" in text


async def test_a_municipality_without_such_a_point_gets_the_general_answer(
        server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        await _seed(a)
    elsewhere = await Resident.start(server, "fi", municipality="Ilmajoki")
    replies = await _bot_turn(elsewhere, "missä on lähin terveysasema", "Palveluneuvonta")
    assert all("Seinäjoen terveysasema" not in r["text"] for r in replies)
    no_such_type = await Resident.start(server, "en", municipality="Seinäjoki")
    replies = await _bot_turn(no_such_type, "where is the family centre", "Service guidance")
    assert "I cannot find this service in the list" in replies[0]["text"]


async def test_without_a_municipality_the_bot_asks_with_buttons(
        server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        await _seed(a)
    resident = await Resident.start(server, "fi")
    asked = await _bot_turn(resident, "missä on lähin terveysasema", "Missä kunnassa asut")
    buttons = asked[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Seinäjoki", "Muu kunta"]
    assert len(buttons) <= 6
    replies = await _bot_turn(resident, buttons[0]["payload"], "Koulukatu 1")
    assert "Seinäjoen terveysasema" in "\n".join(r["text"] for r in replies)
    # The municipality is now the chat's: the next question is answered without asking.
    replies = await _bot_turn(resident, "terveysaseman aukioloajat", "Koulukatu 1")
    assert all("Missä kunnassa" not in r["text"] for r in replies)
    other = await Resident.start(server, "fi")
    asked = await _bot_turn(other, "mikä on terveysaseman puhelinnumero", "Missä kunnassa asut")
    general = await _bot_turn(other, asked[-1]["buttons"][-1]["payload"], "Palveluneuvonta")
    assert general
