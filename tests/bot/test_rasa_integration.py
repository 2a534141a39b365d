"""The real Rasa 3.6 runtime: validate, train, serve, and talk to it through RasaBot.

Run by `make test-rasa` (NEUVO_TEST_RASA=1); deselected in the default run. It fails, never
skips, when Rasa cannot be set up.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.api import REQUEST_HUMAN_PAYLOAD
from bot.rasa_bot import RasaBot
from tests.bot.conftest import REPO, make_ctx

pytestmark = [pytest.mark.rasa, pytest.mark.timeout(1800)]
BOT = REPO / "bot"
SCRIPTS = BOT / "scripts"
CONFIG = os.environ.get("NEUVO_RASA_CONFIG", "config-ci.yml")
READY_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def rasa_venv() -> Path:
    done = subprocess.run([str(SCRIPTS / "rasa-venv.sh")], capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        pytest.fail(f"cannot set up the Rasa venv:\n{done.stderr[-3000:]}", pytrace=False)
    return Path(done.stdout.strip().splitlines()[-1])


def test_rasa_data_validate_passes(rasa_venv: Path) -> None:
    done = subprocess.run([str(rasa_venv / "bin/rasa"), "data", "validate", "--domain", "domain.yml",
                           "--data", "data", "--config", CONFIG], cwd=BOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def rasa_url(rasa_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port, aport = _free_port(), _free_port()
    log = tmp_path_factory.mktemp("rasa") / "rasa.log"
    env = {**os.environ, "NEUVO_RASA_PORT": str(port), "NEUVO_ACTIONS_PORT": str(aport),
           "NEUVO_RASA_CONFIG": CONFIG}
    with log.open("wb") as out:
        proc = subprocess.Popen([str(SCRIPTS / "rasa-run.sh")], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, url, aport, log)
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the script and its servers (one process group, started by this test)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_ready(proc: subprocess.Popen[bytes], url: str, aport: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S + 900  # training happens first
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"Rasa exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}",
                        pytrace=False)
        try:
            status = httpx.get(f"{url}/status", timeout=2)
            actions = httpx.get(f"http://127.0.0.1:{aport}/health", timeout=2)
            if status.status_code == 200 and status.json().get("model_file") and actions.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(2)
    pytest.fail(f"Rasa did not become ready:\n{log.read_text(errors='replace')[-4000:]}", pytrace=False)


async def test_faq_answer_in_each_language(rasa_url: str) -> None:
    bot = RasaBot(rasa_url, timeout=30)
    try:
        fi = await bot.respond("miten haen toimeentulotukea", make_ctx("fi"))
        assert fi.intent == "income_support_basic" and "Kela" in fi.replies[0].text
        sv = await bot.respond("hur ansöker jag om utkomststöd", make_ctx("sv"))
        assert sv.intent == "income_support_basic" and "FPA" in sv.replies[0].text
        greet = await bot.greet(make_ctx("en"))
        assert "identity code" in greet.replies[0].text
        assert REQUEST_HUMAN_PAYLOAD in [b.payload for b in greet.replies[0].buttons]
        facts = await bot.respond("sosiaalipäivystyksen numero", make_ctx("fi", facts={
            "social_emergency_phone": "06 123 4567"}))
        assert "06 123 4567" in facts.replies[0].text
    finally:
        await bot.close()


async def test_fallback_then_offer_a_person(rasa_url: str) -> None:
    bot = RasaBot(rasa_url, timeout=30)
    try:
        first = await bot.respond("qwxzv plorf brrk", make_ctx("fi", streak=0))
        assert first.intent == "nlu_fallback" and first.fallback_streak == 1
        assert "toisin sanoin" in first.replies[0].text
        second = await bot.respond("qwxzv plorf brrk", make_ctx("fi", streak=first.fallback_streak))
        assert second.fallback_streak == 2
        assert REQUEST_HUMAN_PAYLOAD in [b.payload for b in second.replies[0].buttons]
    finally:
        await bot.close()


async def test_handoff_in_and_out_of_hours(rasa_url: str) -> None:
    bot = RasaBot(rasa_url, timeout=30)
    try:
        inside = await bot.respond(REQUEST_HUMAN_PAYLOAD, make_ctx("fi", in_hours=True))
        assert inside.handoff and inside.intent == "request_human"
        outside = await bot.respond("haluan puhua ihmiselle", make_ctx("en", in_hours=False))
        assert not outside.handoff and "Mon–Fri 8–16" in outside.replies[0].text
    finally:
        await bot.close()


async def test_safety_guidance_and_priority_handoff(rasa_url: str) -> None:
    bot = RasaBot(rasa_url, timeout=30)
    try:
        turn = await bot.respond("haluan tappaa itseni", make_ctx("fi", in_hours=True))
        assert turn.safety and turn.handoff and turn.intent == "crisis_suicide"
        assert "09 2525 0111" in turn.replies[0].text
        assert any("112 Suomi" in r.text for r in turn.replies)
        long_text = "Kysyisin vuokrasta. " * 30 + "mieheni lyö minua"
        hidden = await bot.respond(long_text, make_ctx("sv", in_hours=False))
        assert hidden.safety and not hidden.handoff
        assert "080 005 005" in hidden.replies[0].text
    finally:
        await bot.close()
