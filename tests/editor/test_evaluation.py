"""Train and evaluate, the county's test set and the safety gate, through the editor API on
PostgreSQL + Redis and on SQLite: a background evaluation with progress beside the published
version; a worse draft needs a confirmation to publish; a safety change needs a second
editor; safety answers must keep their emergency numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.backends import BACKENDS, Backend
from tests.clients import unique
from tests.editor.editor_helpers import EMBEDDED, Api, api
from tests.processes import ServerProcess, create_staff
from tests.waiting import eventually

pytestmark = pytest.mark.timeout(900)
FAST = {**EMBEDDED, "NEUVO_EDITOR_CV_FOLDS": "2"}
TESTSET = ("lang\tintent\ttext\nfi\tgreet\tmoikka\nfi\tfood_aid\tmistä saa ruoka-apua\n"
           "sv\tfood_aid\tvar får jag mathjälp\nen\temergency\tsomeone is not breathing\n")


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = Backend(request.param)
    try:
        with backend.server(tmp_path_factory.mktemp("evaluation"), **FAST) as srv:
            yield srv
    finally:
        backend.close()


async def finished(a: Api, run_id: int, timeout_s: float = 600.0) -> dict[str, Any]:
    """Wait until the run is no longer running; every poll must be a consistent view."""
    seen_progress: set[int] = set()
    last: dict[str, Any] = {}

    async def stopped() -> bool:
        last.update(await a.ok("GET", f"/api/v1/editor/evaluations/{run_id}"))
        assert 0 <= last["done"] <= last["total"]
        seen_progress.add(last["done"])
        return bool(last["state"] != "running")

    await eventually(stopped, timeout=timeout_s, step=0.5)
    return {**last, "seen_progress": seen_progress}


async def edit(a: Api, intent: str, **changes: Any) -> dict[str, Any]:
    view = await a.ok("GET", f"/api/v1/editor/intents/{intent}")
    return dict(await a.ok("PUT", f"/api/v1/editor/intents/{intent}",
                           {"revision": view["revision"], **changes}))


async def test_testset_upload_is_validated(server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        def put(body: bytes, kind: str = "text/tab-separated-values") -> Any:
            return a.call("PUT", "/api/v1/editor/testset", content=body,
                          headers={"Content-Type": kind})

        bad = await put(b"fi\tgreet\tmoi\nxx\tgreet\thei\nfi\tno_such_intent\thei\nfi\tgreet\n")
        assert bad.status_code == 422, bad.text
        message = bad.json()["message"]
        assert "line 2" in message and "line 3" in message and "line 4" in message
        assert (await put(b"fi\tgreet\tmoi", "application/json")).status_code == 422
        assert (await put(b"\xff\xfe")).status_code == 422
        assert (await put(b"x" * (1024 * 1024 + 1))).status_code == 413
        assert (await a.ok("GET", "/api/v1/editor/testset"))["testset"] is None
        saved = await put(TESTSET.encode())
        assert saved.status_code == 200, saved.text
        assert saved.json()["testset"]["rows"] == 4
        assert saved.json()["testset"]["by_lang"] == {"fi": 2, "sv": 1, "en": 1}
        assert (await a.call("DELETE", "/api/v1/editor/testset")).status_code == 200
        assert (await a.ok("GET", "/api/v1/editor/testset"))["testset"] is None


async def test_safety_answers_must_keep_their_emergency_numbers(server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        view = await a.ok("GET", "/api/v1/editor/intents/domestic_violence")
        original = view["responses"]
        cut = [{"text": "Soita hätänumeroon 112.", "buttons": []}]
        await edit(a, "domestic_violence", responses={"fi": cut})
        report = await a.ok("GET", "/api/v1/editor/report")
        found = [i for i in report["items"] if i["code"] == "safety_numbers"]
        assert [(i["intent"], i["params"]["lang"]) for i in found] == [("domestic_violence", "fi")]
        assert "080 005 005" in found[0]["params"]["numbers"] and found[0]["severity"] == "error"
        refused = await a.call("POST", "/api/v1/editor/publish", {"note": "x"})
        assert refused.status_code == 422 and refused.json()["report"]["errors"] >= 1
        await edit(a, "domestic_violence", responses={"fi": original["fi"]})
        report = await a.ok("GET", "/api/v1/editor/report")
        assert not [i for i in report["items"] if i["code"] == "safety_numbers"]


async def test_a_safety_change_needs_a_second_editors_approval(server: ServerProcess) -> None:
    first = create_staff(server, unique("ed"), role="editor")
    second = create_staff(server, unique("ed"), role="editor")
    async with api(server, first) as a, api(server, second) as b:
        before = await a.ok("GET", "/api/v1/editor/approval")
        assert before["needed"] is False
        view = await a.ok("GET", "/api/v1/editor/intents/emergency")
        await edit(a, "emergency", examples={**view["examples"],
                                             "fi": [*view["examples"]["fi"], "talo on tulessa nyt"]})
        status = await a.ok("GET", "/api/v1/editor/approval")
        assert status["needed"] is True and status["safety_intents"] == ["emergency"]
        refused = await a.call("POST", "/api/v1/editor/publish", {"note": "emergency example"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "approval_required"
        assert refused.json()["safety_intents"] == ["emergency"]
        # Approving one's own change does not count; a stale digest is refused.
        assert (await a.ok("POST", "/api/v1/editor/approval", {"digest": status["digest"]}))[
            "approved_by"] == [first]
        again = await a.call("POST", "/api/v1/editor/publish", {"note": "emergency example"})
        assert again.status_code == 409 and again.json()["error"] == "approval_required"
        stale = await b.call("POST", "/api/v1/editor/approval", {"digest": "0" * 24})
        assert stale.status_code == 409 and stale.json()["error"] == "conflict"
        approved = await b.ok("POST", "/api/v1/editor/approval", {"digest": status["digest"]})
        assert approved["approved_by"] == [first, second]
        published = await a.call("POST", "/api/v1/editor/publish", {"note": "emergency example"})
        if published.status_code == 409:  # the new example may cost a regression message
            assert [r["code"] for r in published.json()["reasons"]] == ["safety_recall"]
            published = await a.call("POST", "/api/v1/editor/publish",
                                     {"note": "emergency example", "confirm": True})
        assert published.status_code == 201, published.text
        body = published.json()
        assert body["safety"]["recall"] >= 0.99 and body["evaluated"] is False
        assert set(body["safety"]["by_lang"]) == {"fi", "sv", "en"}
        history = await a.ok("GET", "/api/v1/editor/history?intent=*")
        assert any(h["action"] == "approve" and h["by"] == second for h in history["items"])
        # Published: nothing left to approve; approving now is refused plainly.
        now = await b.ok("GET", "/api/v1/editor/approval")
        assert now["needed"] is False
        refused = await b.call("POST", "/api/v1/editor/approval", {"digest": now["digest"]})
        assert refused.status_code == 422
        # Back to the shipped content for the tests after this one (a rollback is not gated).
        await a.ok("POST", "/api/v1/editor/versions/1/rollback", {"note": "back"}, status=201)
        await a.ok("POST", "/api/v1/editor/versions/1/draft")


@pytest.mark.parametrize("server", ["postgres-redis"], indirect=True)
async def test_evaluate_beside_the_published_version_then_a_worse_draft_needs_confirmation(
        server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        await a.call("PUT", "/api/v1/editor/testset", content=TESTSET.encode(),
                     headers={"Content-Type": "text/plain"})
        started = await a.call("POST", "/api/v1/editor/evaluations")
        assert started.status_code == 202, started.text
        run = started.json()
        assert run["state"] == "running" and run["total"] > 0
        same = await a.call("POST", "/api/v1/editor/evaluations")
        assert same.json()["id"] == run["id"]  # one run at a time
        done = await finished(a, run["id"])
        assert done["state"] == "done", done
        assert len(done["seen_progress"]) >= 2  # progress moved while it ran
        result = done["result"]
        for side in ("candidate", "published"):
            scores = result[side]
            assert 0.3 < scores["accuracy"] <= 1.0 and scores["folds"] == 2
            assert scores["per_intent"]["food_aid"]["n"] > 10
            assert scores["safety"]["recall"] >= 0.99  # (the safety gate checks 1.0 at publish)
            assert set(scores["safety"]["by_lang"]) == {"fi", "sv", "en"}
            assert scores["testset"]["n"] == 4
        assert done["matches_draft"] is True and done["comparison"]["worse"] is False
        latest = await a.ok("GET", "/api/v1/editor/evaluations/latest")
        assert latest["evaluation"]["id"] == run["id"]
        accuracy = await a.ok("GET", "/api/v1/editor/accuracy")
        assert accuracy["matches_draft"] and 0 <= accuracy["intents"]["food_aid"] <= 1

        # A worse draft: half of the Finnish examples of two pairs of intents filed under
        # the other intent of the pair (an editor's slip the evaluation must show).
        for first, second in (("food_aid", "debt_advice"), ("housing_advice", "social_credit")):
            one = (await a.ok("GET", f"/api/v1/editor/intents/{first}"))["examples"]["fi"]
            two = (await a.ok("GET", f"/api/v1/editor/intents/{second}"))["examples"]["fi"]
            await edit(a, first, examples={"fi": one[::2] + two[1::2]})
            await edit(a, second, examples={"fi": two[::2] + one[1::2]})
        run = (await a.call("POST", "/api/v1/editor/evaluations")).json()
        done = await finished(a, run["id"])
        assert done["state"] == "done" and done["comparison"]["worse"] is True, done
        assert done["comparison"]["accuracy"] < 0 and done["comparison"]["macro_f1"] < 0
        refused = await a.call("POST", "/api/v1/editor/publish", {"note": "noise"})
        assert refused.status_code == 409, refused.text
        assert [r["code"] for r in refused.json()["reasons"]] == ["worse"]
        confirmed = await a.call("POST", "/api/v1/editor/publish",
                                 {"note": "noise", "confirm": True})
        assert confirmed.status_code == 201, confirmed.text
        assert confirmed.json()["confirmed"] == ["worse"]
        versions = await a.ok("GET", "/api/v1/editor/versions")
        assert "[confirmed: worse]" in versions["items"][0]["note"]


ELDER = {
    "fi": ["naapurini vanhus on heitteillä", "isoäitiä kaltoinkohdellaan hoitokodissa",
           "vanhempi ihminen jätetään ilman ruokaa", "iäkästä isää lyödään kotona",
           "mummoa uhkaillaan ja hänen rahansa viedään", "vanhusta laiminlyödään pahasti",
           "ikäihminen on vaarassa kotonaan", "vanhus ei saa apua ja on hädässä",
           "isovanhempaani pahoinpidellään", "vanhuksen hoitaja satuttaa häntä"],
    "sv": ["min granne som är gammal far illa", "farmor blir slagen hemma",
           "en äldre person lämnas utan mat", "min gamla pappa blir hotad",
           "en äldre människa är i fara"],
    "en": ["my elderly neighbour is being neglected", "grandma is hit at home",
           "an old man is left without food", "my old father is threatened",
           "an elderly person is in danger"],
}
ELDER_ANSWER = {
    "fi": "Jos ikääntynyt on vaarassa nyt, soita tai tekstaa 112. Voit tehdä myös "
          "huoli-ilmoituksen sosiaalipalveluihin.",
    "sv": "Om en äldre person är i fara nu, ring eller sms:a 112. Du kan också göra en "
          "orosanmälan till socialtjänsten.",
    "en": "If an older person is in danger now, call or text 112. You can also make a "
          "report of concern to social services.",
}


@pytest.mark.parametrize("server", ["sqlite-memory"], indirect=True)
async def test_an_editor_marks_a_new_intent_as_a_safety_intent(server: ServerProcess) -> None:
    from tests.clients import Resident

    first = create_staff(server, unique("ed"), role="editor")
    second = create_staff(server, unique("ed"), role="editor")
    async with api(server, first) as a, api(server, second) as b:
        created = await a.ok("POST", "/api/v1/editor/intents", {"name": "elder_abuse"}, status=201)
        saved = await a.ok("PUT", "/api/v1/editor/intents/elder_abuse", {
            "revision": created["revision"], "examples": ELDER,
            "responses": {lang: [{"text": text, "buttons": []}]
                          for lang, text in ELDER_ANSWER.items()}})
        assert saved["safety"] is False
        marked = await a.ok("POST", "/api/v1/editor/intents/elder_abuse/safety",
                            {"revision": saved["revision"], "safety": True})
        assert marked["safety"] is True and marked["catalogue_safety"] is False
        listed = (await a.ok("GET", "/api/v1/editor/intents"))["items"]
        assert next(i for i in listed if i["name"] == "elder_abuse")["safety"] is True
        # The catalogue's are always safety intents; conversational ones never are.
        view = await a.ok("GET", "/api/v1/editor/intents/emergency")
        refused = await a.call("POST", "/api/v1/editor/intents/emergency/safety",
                               {"revision": view["revision"], "safety": False})
        assert refused.status_code == 422
        view = await a.ok("GET", "/api/v1/editor/intents/greet")
        refused = await a.call("POST", "/api/v1/editor/intents/greet/safety",
                               {"revision": view["revision"], "safety": True})
        assert refused.status_code == 422
        stale = await a.call("POST", "/api/v1/editor/intents/elder_abuse/safety",
                             {"revision": saved["revision"], "safety": False})
        assert stale.status_code == 409
        # Its answers must give 112, like every safety answer.
        report = await a.ok("GET", "/api/v1/editor/report")
        assert not [i for i in report["items"] if i["code"] == "safety_numbers"]
        # Marking is a safety change: a second editor approves, then it is published.
        status = await a.ok("GET", "/api/v1/editor/approval")
        assert "elder_abuse" in status["safety_intents"]
        assert (await a.call("POST", "/api/v1/editor/publish", {"note": "x"})).status_code == 409
        await b.ok("POST", "/api/v1/editor/approval", {"digest": status["digest"]})
        published = await a.call("POST", "/api/v1/editor/publish", {"note": "ikääntyneet"})
        if published.status_code == 409:  # the new intent may cost a regression message:
            reasons = [r["code"] for r in published.json()["reasons"]]  # the gate asks
            assert reasons == ["safety_recall"], published.text
            published = await a.call("POST", "/api/v1/editor/publish",
                                     {"note": "ikääntyneet", "confirm": True})
        assert published.status_code == 201, published.text
        version = published.json()["version"]
        from tests.editor.editor_helpers import wait_live
        await wait_live(a, version)
    resident = await Resident.start(server, "fi")
    try:
        await resident.say("naapurini vanhus on heitteillä ja hädässä")
        frames = await resident.until(lambda f: f["type"] == "chat.state"
                                      and f["state"] == "queued", timeout=30)
        queued = frames[-1]
        assert queued["priority"] is True
        texts = [f["text"] for f in frames if f["type"] == "message.created"
                 and f["author"] == "bot"]
        assert any("112" in text and "huoli-ilmoituksen" in text for text in texts), texts
    finally:
        await resident.close()
