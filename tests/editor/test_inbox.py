"""The editors' inbox of unrecognised questions (issue 12).

In process, on SQLite and PostgreSQL (the services' fixtures): capture after a bot turn
(fallback; asked for a person after a service answer) anonymised and without a link to the
chat, grouping of paraphrases, adding to an intent in the draft with history, a new intent
from an item, dismissing (an equal text later arrives dismissed), the retention purge and
the filters. Through a real server (SQLite, the minimal bot, whose every answer is a
fallback): personal data planted in a resident's message never reaches the inbox API,
staff and supervisors get 403, bad input is 422 (never 500)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.api import BotContext, BotReply, BotTurn
from server.privacy import retention
from server.services import bot_turns
from server.services.content import inbox, inbox_capture, inbox_groups, store
from server.services.errors import Conflict, InvalidInput, NotFound
from server.services.messages import post_message
from server.services.stats.filters import local_day
from server.store.models_inbox import InboxItem
from tests.clients import Resident, unique
from tests.editor.editor_helpers import api
from tests.processes import ServerProcess, create_staff, start_server
from tests.services import conftest as service_fixtures
from tests.services.conftest import Services
from tests.waiting import eventually

# The in-process service fixtures (a migrated SQLite and PostgreSQL database per module).
database_url, svc = service_fixtures.database_url, service_fixtures.svc

pytestmark = pytest.mark.timeout(300)

NAME, PHONE, HETU, EMAIL = "Virtanen", "040 765 4321", "131052-308T", "liisa.virtanen@example.fi"
PLANTED = (f"Nimeni on Liisa {NAME}, hetu {HETU}, soita {PHONE} tai {EMAIL}, "
           "mistä saan koiralle rokotuksen")
ANONYMISER_S = 90.0  # the name model loads (or trains once) on first use


class ScriptedBot:
    """Answers by a table (text → intent, confidence); everything else falls back."""

    def __init__(self, answers: dict[str, tuple[str, float]] | None = None) -> None:
        self.answers = answers or {}

    async def greet(self, ctx: BotContext) -> BotTurn:
        return BotTurn(replies=(BotReply("Hei!"),), intent="greet", confidence=1.0,
                       content_version=4)

    async def respond(self, text: str, ctx: BotContext) -> BotTurn:
        if text.strip() == "/request_human":
            return BotTurn(replies=(), intent="request_human", confidence=1.0, handoff=True,
                           content_version=4)
        intent, confidence = self.answers.get(text, ("nlu_fallback", 0.31))
        return BotTurn(replies=(BotReply("Vastaus."),), intent=intent, confidence=confidence,
                       content_version=4)

    async def close(self) -> None:
        return None


async def all_items(svc: Services) -> list[InboxItem]:
    async with svc.ctx.db.read() as session:
        return list((await session.execute(
            select(InboxItem).order_by(col(InboxItem.id)))).scalars())


async def turn(svc: Services, chat_id: str, text: str) -> None:
    stored, _ = await post_message(svc.ctx, chat_id, "resident", text)
    await bot_turns.run_bot_turn(svc.ctx, chat_id, text, stored.seq)


async def items_soon(svc: Services, count: int) -> list[InboxItem]:
    async def arrived() -> bool:
        return len(await all_items(svc)) >= count

    await eventually(arrived, timeout=ANONYMISER_S, step=0.05)
    return await all_items(svc)


async def seed(svc: Services, text: str, lang: str = "fi", reason: str = "fallback",
               intent: str = "nlu_fallback", confidence: float = 0.3) -> int:
    item = await inbox_capture.store(svc.ctx, text, lang, reason, intent, confidence, 4)
    assert item.id is not None
    return item.id


# --- capture -------------------------------------------------------------------------------

async def test_a_fallback_is_captured_anonymised_and_without_the_chat(svc: Services) -> None:
    svc.ctx.bot = ScriptedBot()
    chat_id = await svc.chat()
    await turn(svc, chat_id, PLANTED)
    [item] = await items_soon(svc, 1)
    for secret in (NAME, "Liisa", PHONE, "7654321", HETU, EMAIL, "example.fi"):
        assert secret not in item.text, (secret, item.text)
    assert "koiralle rokotuksen" in item.text
    assert (item.reason, item.intent, item.content_version, item.state) == (
        "fallback", "nlu_fallback", 4, "new")
    assert item.confidence == pytest.approx(0.31)
    assert item.text_hash == inbox_capture.text_hash(item.text)
    stored = json.dumps(inbox.item_json(item))
    assert chat_id not in stored and "chat" not in set(InboxItem.model_fields)


async def test_a_flood_of_long_fallbacks_costs_no_anonymising(svc: Services) -> None:
    """A question over MAX_CAPTURED_CHARS is not captured, and while MAX_PENDING captures
    wait, further ones are skipped: a resident flooding the bot cannot make the server
    anonymise every message."""
    svc.ctx.bot = ScriptedBot()
    chat_id = await svc.chat()
    await turn(svc, chat_id, "x" * (inbox_capture.MAX_CAPTURED_CHARS + 1))
    await turn(svc, chat_id, "mitä maksaa koiran rokotus")
    [item] = await items_soon(svc, 1)
    assert "rokotus" in item.text  # the short one only
    inbox_capture._pending = inbox_capture.MAX_PENDING  # as if the queue were full
    try:
        await turn(svc, chat_id, "paljonko kissan rokotus maksaa")
    finally:
        inbox_capture._pending = 0
    await turn(svc, chat_id, "onko koiralla rokotusvelvollisuus")
    items = await items_soon(svc, 2)
    assert [i.text for i in items][1:] == ["onko koiralla rokotusvelvollisuus"]


async def test_asking_for_a_person_after_a_service_answer_captures_the_question(
        svc: Services) -> None:
    question = "voinko saada apua sähkölaskuun"
    svc.ctx.bot = ScriptedBot({question: ("income_support_basic", 0.62),
                               "hei": ("greet", 0.99)})
    chat_id = await svc.chat()
    await turn(svc, chat_id, question)
    await turn(svc, chat_id, "/request_human")
    [item] = await items_soon(svc, 1)
    assert (item.text, item.reason, item.intent) == (
        question, "asked_for_person", "income_support_basic")
    assert item.confidence == pytest.approx(0.62)
    # after a conversational answer (a greeting) there is nothing to teach
    other = await svc.chat()
    await turn(svc, other, "hei")
    stored, _ = await post_message(svc.ctx, other, "resident", "/request_human")
    assert await inbox_capture.answered_before(svc.ctx, other, stored.seq) is None
    # a person who took part makes it nobody's miss of the bot
    third = await svc.chat()
    await turn(svc, third, question)
    await post_message(svc.ctx, third, "staff", "Hei, autan")
    stored, _ = await post_message(svc.ctx, third, "resident", "/request_human")
    assert await inbox_capture.answered_before(svc.ctx, third, stored.seq) is None


# --- grouping ----------------------------------------------------------------------------

PARAPHRASES = ["miten haen asumistukea", "miten voin hakea asumistukea?",
               "kuinka haetaan asumistukea", "Miten haetaan asumistuki"]
PHARMACY = ["missä on lähin apteekki", "apteekki lähellä missä"]
UNRELATED = ["koiran rokotukset hinta", "bussilippu opiskelijalle", "xyzzy plugh"]


async def test_grouping_puts_paraphrases_together_and_apart_from_other_texts(
        svc: Services) -> None:
    ids = {text: await seed(svc, text) for text in PARAPHRASES + PHARMACY + UNRELATED}
    result = await inbox_groups.groups(svc.ctx, {})
    assert result["items"] == result["total"] == len(ids) and not result["truncated"]
    by_text = {item["text"]: group for group in result["groups"] for item in group["items"]}
    housing = by_text[PARAPHRASES[0]]
    assert {i["text"] for i in housing["items"]} == set(PARAPHRASES)
    assert housing["count"] == 4 and result["groups"][0] is housing  # largest first
    assert housing["representative"]["text"] in PARAPHRASES
    assert housing["first_at"] <= housing["last_at"] and housing["langs"] == ["fi"]
    assert {i["text"] for i in by_text[PHARMACY[0]]["items"]} == set(PHARMACY)
    for text in UNRELATED:
        assert by_text[text]["count"] == 1
    assert inbox_groups.cluster(["sama teksti", "Sama teksti!"]) == [[0, 1]]


# --- actions -----------------------------------------------------------------------------

async def test_adding_items_lands_in_the_draft_with_history(svc: Services) -> None:
    fi = await seed(svc, "tarvitsen  apua\nvuokran maksuun")
    sv = await seed(svc, "jag behöver hjälp med hyran", lang="sv")
    elsewhere = await seed(svc, "moi")  # an example of greet already
    long = await seed(svc, "vuokra " * 40)
    draft = await store.read_draft(svc.ctx)
    revision = draft.revision("housing_advice")
    result = await inbox.add_to_intent(svc.ctx, "ed1", [fi, sv, elsewhere, long], "housing_advice")
    assert result["added"] == [fi, sv] and result["revision"] == revision + 1
    assert {s["id"]: s["reason"] for s in result["skipped"]} == {
        elsewhere: "in_other_intent", long: "too_long"}
    examples = (await store.read_draft(svc.ctx)).content["examples"]["housing_advice"]
    assert "tarvitsen apua vuokran maksuun" in examples["fi"]
    assert "jag behöver hjälp med hyran" in examples["sv"]
    [change] = await store.changes_for(svc.ctx, "housing_advice", limit=1)
    assert (change.staff, change.action) == ("ed1", "update")
    assert "from the inbox" in change.summary and "fi examples +1" in change.summary
    states = {i.id: (i.state, i.added_to, i.acted_by) for i in await all_items(svc)}
    assert states[fi] == states[sv] == ("added", "housing_advice", "ed1")
    assert states[elsewhere][0] == states[long][0] == "new"
    again = await inbox.add_to_intent(svc.ctx, "ed1", [fi], "housing_advice")
    assert again["added"] == [] and again["already_there"] == [fi]
    with pytest.raises(NotFound):
        await inbox.add_to_intent(svc.ctx, "ed1", [fi], "no_such_intent")
    with pytest.raises(NotFound):
        await inbox.add_to_intent(svc.ctx, "ed1", [999_999], "housing_advice")


async def test_a_new_intent_from_an_item(svc: Services) -> None:
    item = await seed(svc, "milloin uimahalli on auki")
    result = await inbox.new_intent_from(svc.ctx, "ed2", item, "swimming_hall")
    assert result["created"] == "swimming_hall" and result["added"] == [item]
    draft = await store.read_draft(svc.ctx)
    assert "swimming_hall" in draft.content["intents"]
    assert draft.content["examples"]["swimming_hall"]["fi"] == ["milloin uimahalli on auki"]
    actions = [c.action for c in await store.changes_for(svc.ctx, "swimming_hall")]
    assert actions == ["update", "create"]
    with pytest.raises(Conflict):
        await inbox.new_intent_from(svc.ctx, "ed2", item, "swimming_hall")
    with pytest.raises(InvalidInput):
        await inbox.new_intent_from(svc.ctx, "ed2", item, "Bad Name")


async def test_dismissed_items_do_not_come_back(svc: Services) -> None:
    first = await seed(svc, "Mikä on Neuvon lempiväri?")
    keep = await seed(svc, "mikä on kela-kortti")
    assert await inbox.dismiss(svc.ctx, "ed3", [first]) == {"dismissed": 1}
    assert await inbox.dismiss(svc.ctx, "ed3", [first]) == {"dismissed": 0}
    later = await seed(svc, "mikä on  neuvon LEMPIVÄRI")  # the same after normalisation
    listed = await inbox.list_items(svc.ctx, {})
    assert [i["id"] for i in listed["items"]] == [keep]
    dismissed = await inbox.list_items(svc.ctx, {"state": "dismissed"})
    assert {i["id"] for i in dismissed["items"]} == {first, later}


async def test_retention_purges_old_items_with_the_other_raw_data(svc: Services) -> None:
    now = svc.ctx.clock()
    svc.ctx.clock = lambda: now - timedelta(days=91)
    await seed(svc, "vanha kysymys")
    svc.ctx.clock = lambda: now - timedelta(days=89)
    recent = await seed(svc, "uudempi kysymys")
    svc.ctx.clock = lambda: now
    assert (await retention.purge(svc.ctx, dry=True)).inbox_items == 1
    counts = await retention.purge(svc.ctx)
    assert counts.inbox_items == 1 and not counts.skipped
    assert [i.id for i in await all_items(svc)] == [recent]


async def test_filters(svc: Services) -> None:
    now = svc.ctx.clock()
    svc.ctx.clock = lambda: now - timedelta(days=10)
    old = await seed(svc, "vanha", confidence=0.1)
    svc.ctx.clock = lambda: now
    sv = await seed(svc, "på svenska", lang="sv", confidence=0.5)
    person = await seed(svc, "kela asiaa", reason="asked_for_person", intent="kela_general",
                        confidence=0.8)

    async def ids(**params: str) -> list[int]:
        return [i["id"] for i in (await inbox.list_items(svc.ctx, params))["items"]]

    assert await ids() == [person, sv, old]
    assert await ids(lang="sv") == [sv]
    assert await ids(reason="asked_for_person") == [person]
    assert await ids(intent="kela_general") == [person]
    assert await ids(min_confidence="0.4", max_confidence="0.6") == [sv]
    day = local_day(now - timedelta(days=10)).isoformat()  # days are Helsinki days
    assert await ids(**{"from": day, "to": day}) == [old]
    assert await ids(**{"from": local_day(now).isoformat()}) == [person, sv]
    assert await ids(limit="1", offset="1") == [sv]
    page = await inbox.list_items(svc.ctx, {"limit": "1"})
    assert page["total"] == 3 and page["limit"] == 1
    for bad in ({"from": "2026-13-01"}, {"to": "yesterday"}, {"lang": "de"},
                {"reason": "x"}, {"min_confidence": "2"}, {"max_confidence": "nan"},
                {"min_confidence": "0.9", "max_confidence": "0.1"},
                {"from": "2026-02-02", "to": "2026-02-01"}, {"limit": "0"}, {"limit": "201"},
                {"offset": "-1"}, {"state": "gone"}, {"intent": "Bad Intent"}, {"chat_id": "x"}):
        with pytest.raises(InvalidInput):
            await inbox.list_items(svc.ctx, bad)
    with pytest.raises(InvalidInput):
        await inbox.list_items(svc.ctx, [("lang", "fi"), ("lang", "sv")])


# --- the HTTP API, through a real server ----------------------------------------------------

ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/editor/inbox", None),
    ("GET", "/api/v1/editor/inbox/groups", None),
    ("POST", "/api/v1/editor/inbox/add", {"ids": [1], "intent": "greet"}),
    ("POST", "/api/v1/editor/inbox/new-intent", {"id": 1, "name": "x_intent"}),
    ("POST", "/api/v1/editor/inbox/dismiss", {"ids": [1]}),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("inbox"), {"NEUVO_BOT": "minimal"}) as srv:
        yield srv


@pytest.mark.parametrize("role", ["staff", "supervisor"])
async def test_staff_and_supervisors_get_403(server: ServerProcess, role: str) -> None:
    name = create_staff(server, unique("r"), role=role)
    async with api(server, name) as a:
        for method, path, body in ROUTES:
            response = await a.call(method, path, body)
            assert response.status_code == 403, (method, path, response.text)


async def test_planted_personal_data_never_reaches_the_inbox_api(server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    resident = await Resident.start(server, "fi")
    ack = await resident.say(PLANTED)
    await resident.expect("message.created", seq=ack["seq"] + 1, timeout=20)
    await resident.close()
    async with api(server, editor) as a:
        async def captured() -> bool:
            listed = await a.ok("GET", "/api/v1/editor/inbox")
            return any("rokotuksen" in i["text"] for i in listed["items"])

        await eventually(captured, timeout=ANONYMISER_S, step=0.2)
        for path in ("/api/v1/editor/inbox", "/api/v1/editor/inbox/groups",
                     "/api/v1/editor/inbox?state=all"):
            body = (await a.call("GET", path)).text
            for secret in (NAME, "Liisa", PHONE, "7654321", HETU, EMAIL, resident.chat_id):
                assert secret not in body, (path, secret)
        [item] = [i for i in (await a.ok("GET", "/api/v1/editor/inbox"))["items"]
                  if "rokotuksen" in i["text"]]
        assert (item["reason"], item["intent"], item["confidence"]) == (
            "fallback", "nlu_fallback", 0.0)
        assert "<HETU>" in item["text"] and "<EMAIL>" in item["text"]
        # the actions over HTTP
        added = await a.ok("POST", "/api/v1/editor/inbox/add",
                           {"ids": [item["id"]], "intent": "service_guidance"})
        assert added["added"] == [item["id"]] and added["intent"] == "service_guidance"
        view = await a.ok("GET", "/api/v1/editor/intents/service_guidance")
        assert item["text"] in view["examples"]["fi"]
        created = await a.ok("POST", "/api/v1/editor/inbox/new-intent",
                             {"id": item["id"], "name": unique("pets_")}, status=201)
        assert created["skipped"] == [{"id": item["id"], "reason": "in_other_intent",
                                       "intent": "service_guidance"}]
        # already added: nothing left to dismiss
        assert await a.ok("POST", "/api/v1/editor/inbox/dismiss", {"ids": [item["id"]]}) == {
            "dismissed": 0}
        missing = await a.call("POST", "/api/v1/editor/inbox/dismiss", {"ids": [999_999]})
        assert missing.status_code == 404
        no_csrf = await a.call("POST", "/api/v1/editor/inbox/dismiss", {"ids": [1]}, csrf=False)
        assert no_csrf.status_code == 403


BAD_QUERIES = ["from=2026-02-30", "to=soon", "lang=de", "reason=other", "min_confidence=x",
               "max_confidence=1.5", "min_confidence=0.8&max_confidence=0.2", "limit=0",
               "limit=100000", "offset=x", "state=deleted", "intent=DROP%20TABLE", "foo=1",
               "lang=fi&lang=sv", "from=2026-05-02&to=2026-05-01"]
BAD_BODIES: list[tuple[str, Any]] = [
    ("add", {"ids": [], "intent": "greet"}), ("add", {"ids": ["1"], "intent": "greet"}),
    ("add", {"ids": [1]}), ("add", {"ids": [0], "intent": "greet"}),
    ("add", {"ids": [1], "intent": "greet", "extra": 1}), ("add", {"ids": 1, "intent": "greet"}),
    ("add", {"ids": list(range(1, 600)), "intent": "greet"}),
    ("add", {"ids": [1], "intent": "Not Valid"}), ("new-intent", {"id": 1}),
    ("new-intent", {"id": "1", "name": "abc"}), ("new-intent", {"id": 1, "name": "utter_x"}),
    ("dismiss", {"ids": [True]}), ("dismiss", {"ids": [2**40]}), ("dismiss", [1, 2]),
]


async def test_bad_input_is_422_with_a_message(server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        for query in BAD_QUERIES:
            for path in ("/api/v1/editor/inbox", "/api/v1/editor/inbox/groups"):
                response = await a.call("GET", f"{path}?{query}")
                assert response.status_code == 422, (path, query, response.text)
                assert response.json()["message"]
        for action, body in BAD_BODIES:
            response = await a.call("POST", f"/api/v1/editor/inbox/{action}", body)
            assert response.status_code == 422, (action, body, response.text)
            assert response.json()["error"] == "invalid_frame" and response.json()["message"]
        text = await a.call("POST", "/api/v1/editor/inbox/dismiss",
                            content=b"not json", headers={"content-type": "application/json"})
        assert text.status_code == 422
