"""The content editor's API on one server (SQLite, embedded bot): roles and CSRF, the intent
view, saves with revisions (the second of two saves gets 409 with the other's change),
create / rename / delete with Rasa's naming rules and referrers, limits, the validation
report, the plain-language check, publish, versions, history and export/import."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
import websockets

from tests.clients import Resident, unique
from tests.editor.editor_helpers import EMBEDDED, Api, api, bot_answer, wait_live
from tests.processes import ServerProcess, create_staff, start_server

pytestmark = pytest.mark.timeout(300)

ROUTES = [
    ("GET", "/api/v1/editor/intents", None),
    ("POST", "/api/v1/editor/intents", {"name": "x_intent"}),
    ("GET", "/api/v1/editor/intents/greet", None),
    ("PUT", "/api/v1/editor/intents/greet", {"revision": 1, "examples": {"fi": ["moi"]}}),
    ("DELETE", "/api/v1/editor/intents/greet?revision=1", None),
    ("POST", "/api/v1/editor/intents/greet/rename", {"revision": 1, "name": "hello"}),
    ("GET", "/api/v1/editor/history", None),
    ("GET", "/api/v1/editor/report", None),
    ("POST", "/api/v1/editor/publish", {"note": ""}),
    ("GET", "/api/v1/editor/versions", None),
    ("POST", "/api/v1/editor/versions/1/rollback", {"note": ""}),
    ("POST", "/api/v1/editor/versions/1/draft", None),
    ("GET", "/api/v1/editor/versions/1/export.zip", None),
    ("POST", "/api/v1/editor/import", None),
    ("GET", "/api/v1/editor/live", None),
    ("POST", "/api/v1/editor/plain-language", {"lang": "fi", "text": "Hei"}),
]
LIBRARY = {
    "fi": ["milloin kirjasto on auki", "kirjaston aukioloajat", "onko kirjasto auki tänään",
           "mihin aikaan kirjasto aukeaa", "kirjasto auki sunnuntaina"],
    "sv": ["när är biblioteket öppet", "bibliotekets öppettider"],
    "en": ["when is the library open", "library opening hours"],
}
LIBRARY_ANSWERS = {
    "fi": [{"text": "Kirjasto on auki arkisin kello 9–20.", "buttons": []}],
    "sv": [{"text": "Biblioteket är öppet vardagar klockan 9–20.", "buttons": []}],
    "en": [{"text": "The library is open on weekdays from 9 to 20.", "buttons": []}],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("editor"), EMBEDDED) as srv:
        yield srv


@pytest.fixture(scope="module")
def editor(server: ServerProcess) -> str:
    return create_staff(server, unique("ed"), role="editor")


def every_editor_route() -> list[tuple[str, str]]:
    """Every editor API route, from the route tables (a new route is covered by itself)."""
    from server.web import http_editor, http_editor_eval, http_editor_inbox, http_editor_tools

    samples = {"name": "greet", "intent": "greet", "version": "1", "id": "1", "lang": "sv"}
    found = []
    for module in (http_editor, http_editor_eval, http_editor_inbox, http_editor_tools):
        for route in module.routes:
            path = route.path
            for key, value in samples.items():
                path = path.replace("{" + key + "}", value)
            assert "{" not in path, path
            found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


@pytest.mark.parametrize("role", ["staff", "supervisor"])
async def test_staff_and_supervisors_get_403_on_every_editor_route(
        server: ServerProcess, role: str) -> None:
    name = create_staff(server, unique("r"), role=role)
    routes = every_editor_route()
    assert len(routes) >= 30 and ("POST", "/api/v1/editor/evaluations") in routes
    async with api(server, name) as a:
        for method, path in routes:
            response = await a.call(method, path, None if method in ("GET", "DELETE") else {})
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["error"] == "forbidden"
    async with api(server, name) as a:
        page = await a.http.get("/console/editor")
        assert page.status_code == 403


async def test_not_logged_in_is_401_and_changes_need_the_csrf_header(
        server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        for method, path, body in ROUTES:
            if method != "GET":
                response = await a.call(method, path, body, csrf=False)
                assert response.status_code == 403, (method, path, response.text)
    import httpx

    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        assert (await anonymous.get("/api/v1/editor/intents")).status_code == 401


async def test_admin_may_edit(server: ServerProcess) -> None:
    admin = create_staff(server, unique("adm"), role="admin")
    async with api(server, admin) as a:
        items = (await a.ok("GET", "/api/v1/editor/intents"))["items"]
        assert {"greet", "crisis_suicide", "income_support_basic"} <= {i["name"] for i in items}


async def test_intent_list_and_view(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        items = {i["name"]: i for i in (await a.ok("GET", "/api/v1/editor/intents"))["items"]}
        assert items["greet"]["examples"]["fi"] >= 20
        assert items["greet"]["responses"] == {"fi": True, "sv": True, "en": True}
        assert items["crisis_suicide"]["safety"] is True
        view = await a.ok("GET", "/api/v1/editor/intents/housing_advice")
        assert view["revision"] >= 1 and "fi" in view["examples"]
        assert view["responses"]["sv"][0]["text"]
        assert view["used_by"]["buttons"]  # the greeting's topic buttons point here
        missing = await a.call("GET", "/api/v1/editor/intents/no_such_intent")
        assert missing.status_code == 404


async def test_second_of_two_saves_gets_409_with_the_others_change(
        server: ServerProcess, editor: str) -> None:
    other = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as first, api(server, other) as second:
        view = await first.ok("GET", "/api/v1/editor/intents/food_aid")
        mine = await first.ok("PUT", "/api/v1/editor/intents/food_aid", {
            "revision": view["revision"],
            "examples": {"fi": [*view["examples"]["fi"], "ruoka-apua tarvitsisin kiireesti"]}})
        assert mine["revision"] == view["revision"] + 1
        late = await second.call("PUT", "/api/v1/editor/intents/food_aid", {
            "revision": view["revision"], "examples": {"fi": ["tämä kirjoittaisi yli"]}})
        assert late.status_code == 409
        body = late.json()
        assert body["error"] == "conflict" and editor in body["message"]
        assert "ruoka-apua tarvitsisin kiireesti" in body["current"]["examples"]["fi"]
        # nothing was overwritten
        now = await second.ok("GET", "/api/v1/editor/intents/food_aid")
        assert now["examples"]["fi"] == mine["examples"]["fi"]
        history = await first.ok("GET", "/api/v1/editor/history?intent=food_aid")
        assert history["items"][0]["by"] == editor
        assert "fi examples +1" in history["items"][0]["summary"]


async def test_saves_of_different_intents_both_land(server: ServerProcess, editor: str) -> None:
    import asyncio

    async with api(server, editor) as a:
        one = await a.ok("GET", "/api/v1/editor/intents/thanks")
        two = await a.ok("GET", "/api/v1/editor/intents/goodbye")
        results = await asyncio.gather(
            a.call("PUT", "/api/v1/editor/intents/thanks", {
                "revision": one["revision"], "examples": {"en": [*one["examples"]["en"], "cheers mate"]}}),
            a.call("PUT", "/api/v1/editor/intents/goodbye", {
                "revision": two["revision"], "examples": {"en": [*two["examples"]["en"], "see ya later"]}}))
        assert [r.status_code for r in results] == [200, 200]
        assert "cheers mate" in (await a.ok("GET", "/api/v1/editor/intents/thanks"))["examples"]["en"]
        assert "see ya later" in (await a.ok("GET", "/api/v1/editor/intents/goodbye"))["examples"]["en"]


async def test_create_rename_delete(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        for bad in ["Library", "1abc", "a b", "utter_x", "nlu_thing", "x" * 65, "kirjasto/auki"]:
            response = await a.call("POST", "/api/v1/editor/intents", {"name": bad})
            assert response.status_code == 422, (bad, response.text)
        created = await a.ok("POST", "/api/v1/editor/intents", {"name": "parking_info"}, 201)
        assert (await a.call("POST", "/api/v1/editor/intents",
                             {"name": "parking_info"})).status_code == 409
        renamed = await a.ok("POST", "/api/v1/editor/intents/parking_info/rename",
                             {"revision": created["revision"], "name": "parking_help"})
        assert renamed["name"] == "parking_help" and renamed["response_name"] == "utter_parking_help"
        names = {i["name"] for i in (await a.ok("GET", "/api/v1/editor/intents"))["items"]}
        assert "parking_help" in names and "parking_info" not in names
        stale = await a.call("DELETE", f"/api/v1/editor/intents/parking_help?revision={created['revision']}")
        assert stale.status_code == 409
        await a.ok("DELETE", f"/api/v1/editor/intents/parking_help?revision={renamed['revision']}")
        names = {i["name"] for i in (await a.ok("GET", "/api/v1/editor/intents"))["items"]}
        assert "parking_help" not in names
        # refused while referred to, with the referrers listed
        basic = await a.ok("GET", "/api/v1/editor/intents/income_support_basic")
        refused = await a.call(
            "DELETE", f"/api/v1/editor/intents/income_support_basic?revision={basic['revision']}")
        assert refused.status_code == 409 and "utter_greet" in refused.json()["message"]
        # the safety intents and request_human stay
        for name in ("crisis_suicide", "request_human"):
            view = await a.ok("GET", f"/api/v1/editor/intents/{name}")
            assert view["required"] is True
            path = f"/api/v1/editor/intents/{name}?revision={view['revision']}"
            assert (await a.call("DELETE", path)).status_code == 422
            assert (await a.call("POST", f"/api/v1/editor/intents/{name}/rename",
                                 {"revision": view["revision"], "name": "other_name"})).status_code == 422


async def test_rename_follows_buttons_and_rules(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        view = await a.ok("GET", "/api/v1/editor/intents/food_aid")
        renamed = await a.ok("POST", "/api/v1/editor/intents/food_aid/rename",
                             {"revision": view["revision"], "name": "food_help"})
        assert renamed["examples"] == view["examples"]
        report = await a.ok("GET", "/api/v1/editor/report")
        assert not [i for i in report["items"] if i["code"] == "button_missing_intent"]
        back = await a.ok("POST", "/api/v1/editor/intents/food_help/rename",
                          {"revision": renamed["revision"], "name": "food_aid"})
        assert back["name"] == "food_aid"


async def test_input_limits(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        view = await a.ok("GET", "/api/v1/editor/intents/digital_support")
        rev = view["revision"]
        bad_bodies = [
            {"revision": rev, "examples": {"fi": ["kaksi\nriviä"]}},
            {"revision": rev, "examples": {"fi": ["x" * 201]}},
            {"revision": rev, "examples": {"fi": ["ok"] * 501}},
            {"revision": rev, "examples": {"de": ["hallo"]}},
            {"revision": rev, "responses": {"fi": [{"text": "x" * 2001}]}},
            {"revision": rev, "responses": {"fi": [{"text": "ok", "buttons": [
                {"title": "t", "payload": "request_human"}]}]}},
            {"revision": rev, "responses": {"fi": [{"text": "ok"}] * 6}},
            {"revision": 0},
            {"revision": rev, "extra": 1},
            {"revision": rev, "examples": {"fi": ["null\u0000byte"]}},
        ]
        for body in bad_bodies:
            response = await a.call("PUT", "/api/v1/editor/intents/digital_support", body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["error"] == "invalid_frame"
        big = await a.call("PUT", "/api/v1/editor/intents/digital_support",
                           {"revision": rev, "examples": {"fi": ["y" * 199] * 2000}})
        assert big.status_code == 413
        bad_rev = await a.call("DELETE", "/api/v1/editor/intents/digital_support?revision=abc")
        assert bad_rev.status_code == 422
        unchanged = await a.ok("GET", "/api/v1/editor/intents/digital_support")
        assert unchanged["revision"] == rev


async def test_plain_language_check(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        good = await a.ok("POST", "/api/v1/editor/plain-language", {"lang": "fi", "text": "Soita meille."})
        assert good["problems"] == [] and good["lix"] is None
        long = ("Tämä on hyvin pitkä lause jossa on aivan liian monta sanaa peräkkäin ilman "
                "yhtään taukoa lukijalle.")
        bad = await a.ok("POST", "/api/v1/editor/plain-language", {"lang": "fi", "text": long})
        assert bad["problems"] and "sentence of" in bad["problems"][0]
        placeholder = await a.ok("POST", "/api/v1/editor/plain-language",
                                 {"lang": "fi", "text": "Soita numeroon {service_guidance_phone}."})
        assert placeholder["problems"] == []
        sv = await a.ok("POST", "/api/v1/editor/plain-language", {"lang": "sv", "text": "Ring oss i dag."})
        assert isinstance(sv["lix"], float)


async def _save_library(a: Api) -> dict[str, object]:
    names = {i["name"] for i in (await a.ok("GET", "/api/v1/editor/intents"))["items"]}
    if "library_hours" not in names:
        await a.ok("POST", "/api/v1/editor/intents", {"name": "library_hours"}, 201)
    view = await a.ok("GET", "/api/v1/editor/intents/library_hours")
    result: dict[str, object] = await a.ok("PUT", "/api/v1/editor/intents/library_hours", {
        "revision": view["revision"], "examples": LIBRARY, "responses": LIBRARY_ANSWERS})
    return result


async def test_report_publish_versions_and_rollback(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        await a.ok("POST", "/api/v1/editor/intents", {"name": "empty_one"}, 201)
        report = await a.ok("GET", "/api/v1/editor/report")
        codes = {(i["code"], i["intent"]) for i in report["items"]}
        assert report["ok"] is False and report["errors"] >= 1
        assert ("few_examples", "empty_one") in codes
        assert ("missing_response", None) not in codes
        refused = await a.call("POST", "/api/v1/editor/publish", {"note": "x"})
        assert refused.status_code == 422 and refused.json()["report"]["errors"] >= 1
        view = await a.ok("GET", "/api/v1/editor/intents/empty_one")
        await a.ok("DELETE", f"/api/v1/editor/intents/empty_one?revision={view['revision']}")

        # a button to a missing intent and a duplicate example are errors in plain language
        greet = await a.ok("GET", "/api/v1/editor/intents/greet")
        thanks = await a.ok("GET", "/api/v1/editor/intents/thanks")
        await a.ok("PUT", "/api/v1/editor/intents/thanks", {
            "revision": thanks["revision"],
            "examples": {"fi": [*thanks["examples"]["fi"], greet["examples"]["fi"][0]]},
            "responses": {"en": [{"text": "You are welcome. " + "Really. " * 80,
                                  "buttons": [{"title": "Go", "payload": "/nowhere_intent"}]}]}})
        report = await a.ok("GET", "/api/v1/editor/report")
        codes = {i["code"] for i in report["items"] if i["intent"] == "thanks"}
        assert {"duplicate_example", "button_missing_intent", "response_too_long"} <= codes
        thanks2 = await a.ok("GET", "/api/v1/editor/intents/thanks")
        await a.ok("PUT", "/api/v1/editor/intents/thanks", {
            "revision": thanks2["revision"], "examples": thanks["examples"],
            "responses": {"en": thanks["responses"]["en"]}})

        before = await a.ok("GET", "/api/v1/editor/versions")
        await _save_library(a)
        published = await a.ok("POST", "/api/v1/editor/publish", {"note": "library hours"}, 201)
        version = published["version"]
        assert version == before["published"] + 1
        await wait_live(a, version)
        assert "Kirjasto on auki" in await bot_answer(server, "milloin kirjasto on auki")
        again = await a.call("POST", "/api/v1/editor/publish", {"note": ""})
        assert again.status_code == 422 and "nothing to publish" in again.json()["message"]

        versions = await a.ok("GET", "/api/v1/editor/versions")
        top = versions["items"][0]
        assert top["version"] == version and top["created_by"] == editor
        assert any(c["intent"] == "library_hours" for c in top["changes"])
        assert versions["items"][-1]["version"] == 1 and versions["items"][-1]["created_by"] == "system"

        rolled = await a.ok("POST", "/api/v1/editor/versions/1/rollback", {"note": ""}, 201)
        assert rolled == {"version": version + 1, "restored_from": 1}
        await wait_live(a, version + 1)
        assert "Kirjasto on auki" not in await bot_answer(server, "milloin kirjasto on auki")
        missing = await a.call("POST", "/api/v1/editor/versions/999/rollback", {"note": ""})
        assert missing.status_code == 404
        # the draft keeps the editors' work until they start it over from a version
        assert (await a.ok("GET", "/api/v1/editor/intents/library_hours"))["name"]
        await a.ok("POST", "/api/v1/editor/versions/1/draft")
        names = {i["name"] for i in (await a.ok("GET", "/api/v1/editor/intents"))["items"]}
        assert "library_hours" not in names


async def test_export_and_import_round_trip(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        response = await a.call("GET", "/api/v1/editor/versions/1/export.zip")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
        assert {"config.yml", "domain.yml", "data/rules.yml", "data/nlu/fi.yml",
                "data/nlu/sv.yml", "data/nlu/en.yml"} <= names
        await a.ok("POST", "/api/v1/editor/versions/1/draft")
        before = (await a.ok("GET", "/api/v1/editor/intents"))["items"]
        result = await a.call("POST", "/api/v1/editor/import", content=response.content,
                              headers={"content-type": "application/zip"})
        assert result.status_code == 200, result.text
        assert result.json()["ignored"] == ["README.txt: not a file Neuvo uses"]
        after = (await a.ok("GET", "/api/v1/editor/intents"))["items"]
        assert after == before  # nothing changed, so no revision moved either

        broken = io.BytesIO()
        with zipfile.ZipFile(broken, "w") as z:
            for name in zipfile.ZipFile(io.BytesIO(response.content)).namelist():
                if name == "data/rules.yml":
                    continue
                z.writestr(name, zipfile.ZipFile(io.BytesIO(response.content)).read(name))
            z.writestr("data/rules.yml", "rules:\n  - rule: x\n   steps: [\n")
        refused = await a.call("POST", "/api/v1/editor/import", content=broken.getvalue(),
                               headers={"content-type": "application/zip"})
        assert refused.status_code == 422
        assert any(p.startswith("data/rules.yml:") for p in refused.json()["problems"])
        assert (await a.ok("GET", "/api/v1/editor/intents"))["items"] == before
        wrong_type = await a.call("POST", "/api/v1/editor/import", content=b"PK",
                                  headers={"content-type": "application/json"})
        assert wrong_type.status_code == 422
        too_big = await a.call("POST", "/api/v1/editor/import", content=b"0" * (2 * 1024 * 1024 + 1),
                               headers={"content-type": "application/zip"})
        assert too_big.status_code == 413


async def test_an_editor_cannot_read_transcripts(server: ServerProcess, editor: str) -> None:
    """Editors see the anonymised inbox, never a chat: not the transcript export, not the
    statistics click-through, not the staff socket."""
    resident = await Resident.start(server, "fi")
    try:
        await resident.say("Nimeni on Maija Meikäläinen ja tarvitsen apua")
        async with api(server, editor) as a:
            for path in (f"/api/v1/staff/chats/{resident.chat_id}/transcript.txt",
                         f"/api/v1/stats/conversations/{resident.chat_id}",
                         "/api/v1/stats/conversations.csv", "/api/v1/supervisor/overview"):
                response = await a.call("GET", path)
                assert response.status_code == 403, (path, response.text)
                assert "Meikäläinen" not in response.text
            cookie = "; ".join(f"{k}={v}" for k, v in a.http.cookies.items())
            with pytest.raises(websockets.InvalidStatus) as refused:
                async with websockets.connect(
                        server.ws_base + "/ws/v1/staff", origin=server.base_url,  # type: ignore[arg-type]
                        additional_headers={"Cookie": cookie}):
                    pass
            assert refused.value.response.status_code == 403
    finally:
        await resident.close()


async def test_search_across_all_intents(server: ServerProcess, editor: str) -> None:
    async with api(server, editor) as a:
        found = await a.ok("GET", "/api/v1/editor/search?q=RUOKA-apua")
        assert found["total"] >= 2
        kinds = {(i["intent"], i["kind"]) for i in found["items"]}
        assert ("food_aid", "example") in kinds
        assert all("ruoka-apu" in i["text"].lower() for i in found["items"])
        for bad in ("", "%20%20", "x" * 101):
            response = await a.call("GET", f"/api/v1/editor/search?q={bad}")
            assert response.status_code == 422, bad
