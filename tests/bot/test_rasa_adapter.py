"""RasaBot without Rasa: unavailable and slow servers, and mapping of Rasa's answers.

The real Rasa server is exercised in test_rasa_integration.py (`make test-rasa`)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import cast

import httpx
import pytest

from bot.api import REQUEST_HUMAN_PAYLOAD
from bot.rasa_bot import RasaBot
from tests.bot.conftest import make_ctx


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections and never answers."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for w in writers:
        w.close()
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_slow_rasa_gives_the_unavailable_answer_within_the_timeout(silent_server: str) -> None:
    bot = RasaBot(silent_server, timeout=0.5)
    started = time.monotonic()
    turn = await bot.respond("toimeentulotuki", make_ctx("sv", streak=1))
    assert time.monotonic() - started < 3
    assert "inte tillgänglig" in turn.replies[0].text
    assert turn.replies[0].buttons[0].payload == REQUEST_HUMAN_PAYLOAD
    assert turn.intent is None and not turn.handoff and turn.fallback_streak == 1
    await bot.close()


async def test_rasa_down_gives_the_unavailable_answer() -> None:
    bot = RasaBot(f"http://127.0.0.1:{_free_port()}", timeout=1)
    for turn in (await bot.greet(make_ctx("en")), await bot.respond("hi", make_ctx("en"))):
        assert "unavailable" in turn.replies[0].text
    await bot.close()


def _fake_rasa(parse_intent: str, messages: list[dict[str, object]], seen: list[dict[str, object]]
               ) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"null")
        seen.append({"path": request.url.path, "body": body})
        if request.url.path == "/model/parse":
            ranking = [{"name": parse_intent, "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
            return httpx.Response(200, json={"text": body["text"], "intent": ranking[0],
                                             "intent_ranking": ranking, "entities": []})
        if request.url.path.endswith("/tracker/events"):
            return httpx.Response(200, json={})
        return httpx.Response(200, json=messages)
    return httpx.MockTransport(handle)


async def test_custom_payloads_map_to_handoff_and_safety() -> None:
    seen: list[dict[str, object]] = []
    messages: list[dict[str, object]] = [
        {"recipient_id": "c", "text": "Siirrän sinut.", "buttons": [{"title": "X", "payload": "/x"}]},
        {"recipient_id": "c", "custom": {"neuvo": {"handoff": True, "safety": False}}}]
    bot = RasaBot("http://rasa", transport=_fake_rasa("request_human", messages, seen))
    turn = await bot.respond("ihminen", make_ctx("fi", in_hours=True, streak=1))
    assert turn.intent == "request_human" and turn.handoff and not turn.safety and turn.fallback_streak == 0
    assert turn.replies[0].buttons[0].payload == "/x"
    slots = cast(list[dict[str, object]],
                 next(s["body"] for s in seen if str(s["path"]).endswith("/tracker/events")))
    names = {e["name"]: e["value"] for e in slots}
    assert names["language"] == "fi" and names["in_service_hours"] is True
    assert names["social_emergency_phone"]  # generic wording, never empty
    await bot.close()


async def test_safety_cue_rasa_missed_is_sent_as_a_safety_payload() -> None:
    seen: list[dict[str, object]] = []
    bot = RasaBot("http://rasa", transport=_fake_rasa("income_support_basic", [{"text": "ok"}], seen))
    turn = await bot.respond("tarviin rahaa mutta en halua enää elää", make_ctx("fi", in_hours=False))
    assert turn.safety and turn.intent == "crisis_suicide" and not turn.handoff
    webhook = next(s["body"] for s in seen if s["path"] == "/webhooks/rest/webhook")
    assert webhook["message"] == "/crisis_suicide"  # type: ignore[index]
    await bot.close()


@pytest.mark.parametrize("staff", [True, False])
async def test_staff_on_duty_is_passed_to_rasa_as_a_slot(staff: bool) -> None:
    seen: list[dict[str, object]] = []
    bot = RasaBot("http://rasa", transport=_fake_rasa("request_human", [{"text": "ok"}], seen))
    await bot.respond("/request_human", make_ctx("fi", in_hours=True, staff_on_duty=staff))
    events: list[dict[str, object]] = next(s["body"] for s in seen  # type: ignore[misc]
                                           if str(s["path"]).endswith("/tracker/events"))
    assert {e["name"]: e["value"] for e in events}["staff_on_duty"] is staff
    await bot.close()


async def test_rasa_adapter_applies_the_phenomenon_cues() -> None:
    """Indirect crisis language (issue 9 item 0) that Rasa classifies as something else."""
    seen: list[dict[str, object]] = []
    bot = RasaBot("http://rasa", transport=_fake_rasa("nlu_fallback", [{"text": "ok"}], seen))
    turn = await bot.respond("everyone would be better off without me", make_ctx("en", in_hours=False))
    assert turn.safety and turn.intent == "crisis_suicide"
    webhook = next(s["body"] for s in seen if s["path"] == "/webhooks/rest/webhook")
    assert webhook["message"] == "/crisis_suicide"  # type: ignore[index]
    await bot.close()


async def test_rasa_adapter_does_not_answer_an_idiom_as_a_crisis() -> None:
    """Rasa ranks "tää lomake tappaa mut" as a safety intent: the guard sends a fallback on."""
    seen: list[dict[str, object]] = []
    bot = RasaBot("http://rasa", transport=_fake_rasa("crisis_suicide", [{"text": "ok"}], seen))
    turn = await bot.respond("tää lomake tappaa mut", make_ctx("fi"))
    assert not turn.safety and turn.intent == "nlu_fallback"
    webhook = next(s["body"] for s in seen if s["path"] == "/webhooks/rest/webhook")
    assert webhook["message"] == "/nlu_fallback"  # type: ignore[index]
    await bot.close()


async def test_facts_an_editor_saves_reach_rasa_as_slots() -> None:
    """service_config hands the effective county facts to the bot (set_facts); RasaBot sends
    them with the next turn."""
    from server.services.service_config import _give_bot_facts

    seen: list[dict[str, object]] = []
    bot = RasaBot("http://rasa", facts={"social_emergency_phone": "06 111 1111"},
                  transport=_fake_rasa("request_human", [{"text": "ok"}], seen))
    _give_bot_facts(bot, {"social_emergency_phone": "06 222 2222"})
    await bot.respond("/request_human", make_ctx("fi", in_hours=True))
    events: list[dict[str, object]] = next(s["body"] for s in seen  # type: ignore[misc]
                                           if str(s["path"]).endswith("/tracker/events"))
    assert {e["name"]: e["value"] for e in events}["social_emergency_phone"] == "06 222 2222"
    await bot.close()
