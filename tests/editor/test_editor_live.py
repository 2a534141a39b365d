"""Publishing goes live on every process without a restart (PostgreSQL + Redis): an editor
on process A adds an intent and publishes; a resident already chatting on process B gets the
new answer next, without B restarting; a process started after the publish answers from the
published version (not the files in bot/); a rollback switches every process back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import Backend
from tests.clients import Resident, unique
from tests.editor.editor_helpers import EMBEDDED, api, bot_answer, wait_live
from tests.editor.test_editor_api import _save_library
from tests.processes import ServerProcess, create_staff

pytestmark = pytest.mark.timeout(420)
QUESTION = "milloin kirjasto on auki"
ANSWER = "Kirjasto on auki"


@pytest.fixture(scope="module")
def pg_redis() -> Iterator[Backend]:
    backend = Backend("postgres-redis")
    yield backend
    backend.close()


async def test_publish_reaches_another_process_and_a_later_one(
        pg_redis: Backend, tmp_path: Path) -> None:
    with pg_redis.server(tmp_path / "a", **EMBEDDED) as a_srv, \
            pg_redis.server(tmp_path / "b", **EMBEDDED) as b_srv:
        editor = create_staff(a_srv, unique("ed"), role="editor")
        async with api(a_srv, editor) as a, api(b_srv, editor) as b:
            assert (await b.ok("GET", "/api/v1/editor/live"))["live_here"] == 1
            assert ANSWER not in await bot_answer(b_srv, QUESTION)
            # a resident mid-conversation on B before the publish
            resident = await Resident.start(b_srv, "fi")
            await resident.say("hei")
            await resident.expect("message.created", author="bot", timeout=20)

            await _save_library(a)
            started = time.monotonic()
            published = await a.ok("POST", "/api/v1/editor/publish", {"note": "kirjasto"}, 201)
            trained = time.monotonic() - started
            version = published["version"]
            waited = await wait_live(b, version)
            print(f"\npublish (with training) {trained:.2f} s; process B live "
                  f"{waited:.2f} s after the publish returned")

            ack = await resident.say(QUESTION)
            reply = await resident.expect("message.created", seq=ack["seq"] + 1, timeout=20)
            assert ANSWER in reply["text"]
            await resident.close()

            with pg_redis.server(tmp_path / "c", **EMBEDDED) as c_srv:
                async with api(c_srv, editor) as c:
                    assert (await c.ok("GET", "/api/v1/editor/live"))["live_here"] == version
                    assert ANSWER in await bot_answer(c_srv, QUESTION)
                    rolled = await a.ok("POST", "/api/v1/editor/versions/1/rollback",
                                        {"note": "takaisin"}, 201)
                    await wait_live(b, rolled["version"])
                    await wait_live(c, rolled["version"])
                    assert ANSWER not in await bot_answer(b_srv, QUESTION)
                    assert ANSWER not in await bot_answer(c_srv, QUESTION)
            _no_errors(a_srv)
            _no_errors(b_srv)


def _no_errors(server: ServerProcess) -> None:
    assert server.log_path is not None
    log = server.log_path.read_text(errors="replace")
    assert '"level": "error"' not in log, log[-3000:]
