"""The editor's preview chat (issue 12) answers from the draft: an intent added to the draft
answers in the preview while the published bot still does not; in Swedish; outside opening
hours and with nobody on duty; the greeting; limits. In process on SQLite and PostgreSQL,
then over HTTP on a server with the embedded bot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from server.services import service_config
from server.services.content import intents, preview
from server.services.errors import InvalidInput
from tests.clients import unique
from tests.editor.editor_helpers import EMBEDDED, api, bot_answer
from tests.editor.test_editor_api import LIBRARY, LIBRARY_ANSWERS, _save_library
from tests.processes import ServerProcess, create_staff, start_server
from tests.services import conftest as service_fixtures
from tests.services.conftest import Services

pytestmark = pytest.mark.timeout(420)  # the first preview of a changed draft trains it
database_url, svc = service_fixtures.database_url, service_fixtures.svc
QUESTION = "milloin kirjasto on auki"


def ask(text: str | None, lang: str = "fi", **options: Any) -> preview.PreviewRequest:
    return preview.PreviewRequest(text=text, lang=lang, **options)  # type: ignore[arg-type]


async def _library_in_draft(svc: Services) -> None:
    """The same draft as test_editor_api's `_save_library` (so the trained model is shared)."""
    view = await intents.create_intent(svc.ctx, "ed", "library_hours")
    await intents.save_intent(svc.ctx, "ed", "library_hours", view["revision"], LIBRARY,
                              LIBRARY_ANSWERS)


async def test_the_preview_answers_from_the_draft(svc: Services) -> None:
    before = await preview.preview(svc.ctx, ask(QUESTION))
    assert before["intent"] != "library_hours"
    await _library_in_draft(svc)
    answer = await preview.preview(svc.ctx, ask(QUESTION))
    assert answer["intent"] == "library_hours" and answer["confidence"] > 0.3
    assert answer["replies"][0]["text"] == LIBRARY_ANSWERS["fi"][0]["text"]
    assert answer["draft_digest"] != before["draft_digest"]
    swedish = await preview.preview(svc.ctx, ask("när är biblioteket öppet", "sv"))
    assert swedish["replies"][0]["text"] == LIBRARY_ANSWERS["sv"][0]["text"]
    engine = preview.ENGINES._last
    await preview.preview(svc.ctx, ask(QUESTION, "fi", municipality="Seinäjoki"))
    assert preview.ENGINES._last is engine  # same draft: the engine is kept, not retrained


async def test_greeting_out_of_hours_and_nobody_on_duty(svc: Services) -> None:
    greeting = await preview.preview(svc.ctx, ask(None, "sv"))
    assert greeting["intent"] == "greet" and greeting["replies"][0]["buttons"]
    assert all(b["payload"].startswith("/") for b in greeting["replies"][0]["buttons"])
    hours = (await service_config.current(svc.ctx)).hours.describe("sv", svc.ctx.clock())
    closed = await preview.preview(svc.ctx, ask("/request_human", "sv", in_service_hours=False))
    assert closed["handoff"] is False
    assert hours in " ".join(r["text"] for r in closed["replies"])
    nobody = await preview.preview(svc.ctx, ask("/request_human", "fi", staff_on_duty=False))
    open_ = await preview.preview(svc.ctx, ask("/request_human", "fi"))
    assert nobody["handoff"] and open_["handoff"]
    assert nobody["replies"][0]["text"] != open_["replies"][0]["text"]
    streak = await preview.preview(svc.ctx, ask("qwzx plörk", "fi", fallback_streak=1))
    assert streak["intent"] == "nlu_fallback" and streak["fallback_streak"] == 2


@pytest.mark.parametrize("request_", [ask(""), ask("x" * 4001), ask("hei", municipality="x" * 101),
                                      ask("hei", fallback_streak=-1)])
async def test_limits(svc: Services, request_: preview.PreviewRequest) -> None:
    with pytest.raises(InvalidInput):
        await preview.preview(svc.ctx, request_)


# --- over HTTP, against the published bot --------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("preview"), EMBEDDED) as srv:
        yield srv


async def test_http_preview_answers_from_the_draft_the_published_bot_does_not(
        server: ServerProcess) -> None:
    editor = create_staff(server, unique("ed"), role="editor")
    async with api(server, editor) as a:
        await _save_library(a)
        answer = await a.ok("POST", "/api/v1/editor/preview", {
            "text": QUESTION, "lang": "fi", "municipality": "Kurikka",
            "in_service_hours": True, "staff_on_duty": True, "fallback_streak": 0})
        assert answer["intent"] == "library_hours"
        assert answer["replies"] == [{"text": LIBRARY_ANSWERS["fi"][0]["text"], "buttons": []}]
        assert set(answer) == {"replies", "intent", "confidence", "safety", "handoff",
                               "fallback_streak", "draft_digest"}
        assert "Kirjasto on auki" not in await bot_answer(server, QUESTION)
        greeting = await a.ok("POST", "/api/v1/editor/preview", {"text": None, "lang": "en"})
        assert greeting["intent"] == "greet"
        for body in ({"text": "", "lang": "fi"}, {"text": "x" * 4001, "lang": "fi"},
                     {"text": "hei", "lang": "de"}, {"text": "hei", "lang": "fi",
                                                     "municipality": "x" * 101},
                     {"text": "hei", "lang": "fi", "extra": 1}):
            response = await a.call("POST", "/api/v1/editor/preview", body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["message"]
