"""The embedded bot behind a real server process (the default NEUVO_BOT): answers, bad input,
safety with a priority handoff in service hours, and one clear safety turn out of hours.

SQLite and the in-process bus: no Redis or PostgreSQL needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.clients import Resident, created, msg_id, reaches_seq
from tests.processes import ServerProcess, start_server

pytestmark = pytest.mark.timeout(120)
EMBEDDED = {"NEUVO_BOT": "embedded"}


def _closed_around_today() -> str:
    """Service hours that are closed yesterday, today and tomorrow (Helsinki time)."""
    today = datetime.now(ZoneInfo("Europe/Helsinki")).date()
    days = " ".join(str(today + timedelta(days=d)) for d in (-1, 0, 1))
    return f"mon-sun 08:00-16:00; closed {days}"


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with start_server(tmp_path_factory.mktemp("embedded-open"), EMBEDDED) as server:
        yield server


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {**EMBEDDED, "NEUVO_SERVICE_HOURS": _closed_around_today()}
    with start_server(tmp_path_factory.mktemp("embedded-closed"), env) as server:
        yield server


async def _turn(resident: Resident, text: str, replies: int = 1) -> list[dict[str, Any]]:
    """Send `text`; return the bot's messages after it.

    The server marks no end of a bot turn (only a handoff ends with a chat.state frame), so
    the caller says how many messages this kind of turn posts (bot/engine/policy.py: one reply;
    a safety cue three: guidance, emergency access, handoff or closed hours). They follow the
    message at consecutive seqs (bot turns are ordered per chat); settle() adds any further
    message that was already queued, for the caller's assertions to see."""
    ack = await resident.say(text)
    frames = await resident.until(reaches_seq(ack["seq"] + replies), timeout=10)
    return [f for f in created(frames + await resident.settle()) if f["seq"] > ack["seq"]]


async def _transcript(server: ServerProcess, resident: Resident) -> list[dict[str, Any]]:
    """Every stored message, replayed from the database on a fresh connection (up to the
    chat's last seq, which the welcome carries)."""
    await resident.close()
    welcome = await resident.connect(server, last_seq=0)
    return created(await resident.until(reaches_seq(welcome["last_seq"])))


def _no_errors_logged(server: ServerProcess) -> None:
    assert server.log_path is not None
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "bot turn failed" not in log, log[-3000:]


async def test_greeting_and_faq_answer(open_server: ServerProcess) -> None:
    resident = await Resident.start(open_server, "fi")
    greeting = await resident.expect("message.created", seq=1)
    payloads = [b["payload"] for b in greeting["buttons"]]
    assert "/request_human" in payloads and "/income_support_basic" in payloads
    replies = await _turn(resident, "mistä mää saan toimeentulotukee")
    assert replies[0]["author"] == "bot" and "Kela" in replies[0]["text"]
    await resident.close()


BAD_INPUT = {
    "whitespace": "   \t  ",
    "4000 characters": ("Minulla on kysymys vuokrasta ja rahasta. " * 100)[:4000],
    "emoji only": "🙂🙂😢🙏",
    "mixed languages": "hej moi hello, tarviin apua med hyran please",
    "html and script": "<script>alert('x')</script><b>toimeentulotuki</b>",
    # C0/C1 control characters are refused at the edge (invalid_frame, tests/test_robustness.py);
    # bidi overrides and zero-width characters reach the bot, which drops them.
    "bidi and zero-width": "hei\u202e\ufeff\u200b apua",
}


@pytest.mark.parametrize("name", list(BAD_INPUT))
async def test_bad_input_gets_an_answer(open_server: ServerProcess, name: str) -> None:
    resident = await Resident.start(open_server, "fi")
    await resident.expect("message.created", seq=1)
    replies = await _turn(resident, BAD_INPUT[name])
    assert replies and all(r["author"] == "bot" and r["text"].strip() for r in replies), replies
    assert "{" not in replies[0]["text"]
    await resident.close()
    _no_errors_logged(open_server)


async def test_empty_and_oversized_texts_are_refused_and_the_chat_goes_on(open_server: ServerProcess) -> None:
    resident = await Resident.start(open_server, "en")
    await resident.expect("message.created", seq=1)
    for text, code in (("", "invalid_frame"), ("x" * 4001, "too_large")):
        cid = msg_id()
        await resident.send({"type": "message.send", "client_msg_id": cid, "text": text})
        error = await resident.expect("error")
        assert error["code"] == code, error
    replies = await _turn(resident, "hello")
    assert replies[0]["author"] == "bot"
    await resident.close()


async def test_safety_in_service_hours_guidance_then_priority_queue(open_server: ServerProcess) -> None:
    resident = await Resident.start(open_server, "fi")
    await resident.expect("message.created", seq=1)
    await resident.say("en jaksa enää, haluan kuolla")
    state = await resident.expect("chat.state", timeout=10)
    assert state["state"] == "queued" and state["priority"] is True
    messages = await _transcript(open_server, resident)
    bot = [m["text"] for m in messages if m["author"] == "bot"][1:]
    assert "112" in bot[0] and "09 2525 0111" in bot[0]  # emergency guidance first
    assert any("112 Suomi" in text for text in bot)
    await resident.close()


async def test_safety_out_of_hours_says_it_once(closed_server: ServerProcess) -> None:
    resident = await Resident.start(closed_server, "fi")
    await resident.expect("message.created", seq=1)
    await _turn(resident, "mieheni lyö minua", replies=3)
    await _turn(resident, "kiitos")  # after the safety turn has fully run (bot turns are ordered)
    messages = await _transcript(closed_server, resident)
    assert [m["author"] for m in messages] == ["bot", "resident", "bot", "bot", "bot", "resident", "bot"]
    safety = [m["text"] for m in messages[2:5]]
    assert "080 005 005" in safety[0] and "112" in safety[0]
    assert "112 Suomi" in safety[1] and "tekstiviesti numeroon 112" in safety[1]
    assert "Nyt kukaan työntekijä ei lue tätä chattia" in safety[2] and "suljettu" in safety[2]
    assert not any("suljettu" in text for text in safety[:2])
    await resident.close()
    _no_errors_logged(closed_server)


async def test_talk_to_a_person_is_announced_once(open_server: ServerProcess) -> None:
    resident = await Resident.start(open_server, "fi")
    await resident.expect("message.created", seq=1)
    await resident.say("/request_human")
    state = await resident.expect("chat.state", timeout=10)
    assert state["state"] == "queued" and state["priority"] is False
    messages = await _transcript(open_server, resident)
    after = [m for m in messages if m["seq"] > 2]  # greeting, the button payload
    assert [m["author"] for m in after] == ["bot"]  # no second, system "queued" message
    # Nobody is logged in on this server: the bot says so honestly, and still queues.
    assert "kukaan työntekijä ei ole" in after[0]["text"], after[0]["text"]
    await resident.close()
