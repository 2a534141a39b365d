"""The language parity matrix (issue 12) on SQLite and PostgreSQL: missing answers, answers by
a built-in action, a Swedish/English answer that is stale after the Finnish one changed,
marking it checked, the bookkeeping through rename, import and reset, and old drafts
without timestamps. The HTTP routes are tested in test_facts.py's server module."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col

from server.services.content import intents, parity, store
from server.services.errors import Conflict, InvalidInput, NotFound
from server.store.models_content import ContentDraft
from tests.services import conftest as service_fixtures
from tests.services.conftest import Services

# The in-process service fixtures (a migrated SQLite and PostgreSQL database per module).
database_url, svc = service_fixtures.database_url, service_fixtures.svc

ED = "parity-editor"


def _cells(matrix: dict[str, Any], intent: str) -> dict[str, str]:
    row = next(r for r in matrix["items"] if r["intent"] == intent)
    return {lang: cell["status"] for lang, cell in row["cells"].items()}


async def _answer(svc: Services, intent: str, lang: str, text: str) -> dict[str, Any]:
    view = await intents.get_intent(svc.ctx, intent)
    return await intents.save_intent(svc.ctx, ED, intent, view["revision"], None,
                                     {lang: [{"text": text, "buttons": []}]})


async def test_shipped_content_is_complete_and_never_stale(svc: Services) -> None:
    matrix = await parity.parity(svc.ctx)
    assert matrix["counts"]["stale"] == 0 and matrix["counts"]["missing"] == 0
    assert _cells(matrix, "housing_advice") == {"fi": "ok", "sv": "ok", "en": "ok"}
    handoff = next(r for r in matrix["items"] if r["intent"] == "request_human")
    assert handoff["action"] == "action_handoff"
    assert _cells(matrix, "request_human") == {"fi": "action", "sv": "action", "en": "action"}
    assert next(r for r in matrix["items"] if r["intent"] == "crisis_suicide")["safety"]


async def test_missing_stale_and_checked(svc: Services) -> None:
    await intents.create_intent(svc.ctx, ED, "library_hours")
    assert _cells(await parity.parity(svc.ctx), "library_hours") == {
        "fi": "missing", "sv": "missing", "en": "missing"}
    await _answer(svc, "library_hours", "fi", "Kirjasto on auki arkisin.")
    await _answer(svc, "library_hours", "sv", "Biblioteket är öppet vardagar.")
    assert _cells(await parity.parity(svc.ctx), "library_hours") == {
        "fi": "ok", "sv": "ok", "en": "missing"}

    # the Finnish answer changes after the Swedish one: Swedish is stale
    await _answer(svc, "housing_advice", "fi", "Asumisneuvonta auttaa vuokra-asioissa.")
    cells = _cells(await parity.parity(svc.ctx), "housing_advice")
    assert cells == {"fi": "ok", "sv": "stale", "en": "stale"}
    await _answer(svc, "library_hours", "fi", "Kirjasto on auki arkisin kello 9–20.")
    assert _cells(await parity.parity(svc.ctx), "library_hours")["sv"] == "stale"

    # a new Swedish answer is newer than the Finnish one
    await _answer(svc, "housing_advice", "sv", "Bostadsrådgivningen hjälper med hyran.")
    assert _cells(await parity.parity(svc.ctx), "housing_advice") == {
        "fi": "ok", "sv": "ok", "en": "stale"}

    # checked without a change: not stale, the revision and the answer stay, history says so
    before = await intents.get_intent(svc.ctx, "housing_advice")
    row = await parity.mark_checked(svc.ctx, ED, "housing_advice", "en", before["revision"])
    assert row["cells"]["en"]["status"] == "ok" and row["cells"]["en"]["checked"]
    after = await intents.get_intent(svc.ctx, "housing_advice")
    assert after["revision"] == before["revision"]
    assert after["responses"]["en"] == before["responses"]["en"]
    history = await store.changes_for(svc.ctx, "housing_advice")
    assert history[0].action == "checked" and history[0].staff == ED

    # the Finnish answer changes again: stale again
    await _answer(svc, "housing_advice", "fi", "Asumisneuvonta auttaa vuokra- ja asumisasioissa.")
    assert _cells(await parity.parity(svc.ctx), "housing_advice") == {
        "fi": "ok", "sv": "stale", "en": "stale"}


async def test_checked_refusals(svc: Services) -> None:
    view = await intents.get_intent(svc.ctx, "housing_advice")
    with pytest.raises(InvalidInput):
        await parity.mark_checked(svc.ctx, ED, "housing_advice", "fi", view["revision"])
    with pytest.raises(Conflict):
        await parity.mark_checked(svc.ctx, ED, "housing_advice", "sv", view["revision"] + 5)
    with pytest.raises(NotFound):
        await parity.mark_checked(svc.ctx, ED, "no_such_intent", "sv", 1)
    await intents.create_intent(svc.ctx, ED, "empty_one")
    with pytest.raises(InvalidInput, match="no answer in sv"):
        await parity.mark_checked(svc.ctx, ED, "empty_one", "sv", 2)


async def test_rename_keeps_and_reset_writes_the_times(svc: Services) -> None:
    await _answer(svc, "food_aid", "fi", "Ruoka-apua saa seurakunnilta.")
    view = await intents.get_intent(svc.ctx, "food_aid")
    await intents.rename_intent(svc.ctx, ED, "food_aid", view["revision"], "food_help")
    assert _cells(await parity.parity(svc.ctx), "food_help")["sv"] == "stale"

    # a reset to version 1 (the shipped content): food_help goes, food_aid comes back with
    # all three answers written at once; an intent whose Finnish answer alone differs gets
    # a new Finnish time, so its translations become stale
    await _answer(svc, "housing_advice", "sv", "Bostadsrådgivningen hjälper.")
    draft = await store.read_draft(svc.ctx)
    shipped = await store.version_content(svc.ctx, 1)
    assert shipped is not None
    await store.reset_draft(svc.ctx, ED, shipped, draft.based_on, action="reset")
    after = await store.read_draft(svc.ctx)
    assert "food_help" not in after.answers and "food_help" not in after.revisions
    assert set(after.answers["food_aid"]) == {"fi", "sv", "en"}
    assert set(after.answers["housing_advice"]) == {"sv"}
    matrix = await parity.parity(svc.ctx)
    assert _cells(matrix, "food_aid") == {"fi": "ok", "sv": "ok", "en": "ok"}
    assert _cells(matrix, "housing_advice") == {"fi": "ok", "sv": "ok", "en": "ok"}


async def test_old_drafts_without_times_are_never_stale(svc: Services) -> None:
    await _answer(svc, "housing_advice", "fi", "Asumisneuvonta auttaa.")
    draft = await store.read_draft(svc.ctx)
    data = json.loads(draft.to_json())
    del data["answers"], data["checked"]  # as stored before the parity matrix existed
    async with svc.ctx.db.write() as session:
        await session.execute(update(ContentDraft).where(col(ContentDraft.id) == store.DRAFT_ID)
                              .values(content=json.dumps(data)))
    matrix = await parity.parity(svc.ctx)
    assert matrix["counts"]["stale"] == 0
