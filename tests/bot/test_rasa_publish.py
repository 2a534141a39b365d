"""Publishing to a Rasa server (server/services/content/rasa_publish.py): the HTTP calls and
their errors against a fake Rasa (in `make test`), and the whole path against the real Rasa
3.6 (marker `rasa`, `make test-rasa`): train the shipped content plus a new intent over the
HTTP API, load it, and the Rasa server answers the new intent, tagged with its version."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from bot import content as bot_content
from bot.rasa_bot import RasaBot
from server.bus.factory import make_backends
from server.config import Settings, to_async_url
from server.services.content import rasa_publish, store
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, Unavailable
from server.store import migrate
from server.store.db import Database
from server.store.models_content import ContentVersion
from tests.bot.conftest import REPO, make_ctx
from tests.bot.test_rasa_export import edited_content
from tests.bot.test_rasa_integration import CONFIG, _free_port, _stop, rasa_venv  # noqa: F401
from tests.waiting import eventually

TOKEN = "test-token-123"
BAD_CONFIG = "recipe: default.v1\nlanguage: fi\npipeline:\n- name: NoSuchComponent\npolicies: []\n"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neuvo"
# Rasa's training cache, as bot/scripts/rasa-run.sh sets it: reruns reuse trained components.
RASA_CACHE = os.environ.get("RASA_CACHE_DIRECTORY") or str(CACHE / "rasa-cache")


@asynccontextmanager
async def rasa_ctx(tmp: Path, url: str) -> AsyncIterator[ServiceContext]:
    """A migrated SQLite database with the shipped content as version 1, and a RasaBot."""
    db_url = f"sqlite:///{tmp / 'neuvo.db'}"
    await asyncio.to_thread(migrate.upgrade, to_async_url(db_url))
    settings = Settings(dev=True, database_url=db_url, bot="rasa", rasa_url=url,
                        rasa_token=TOKEN, rasa_timeout=30)
    db, backends = Database(settings.async_database_url), make_backends(None)
    bot = RasaBot(url, timeout=30, token=TOKEN)
    ctx = ServiceContext(settings=settings, db=db, backends=backends, bot=bot)
    try:
        await store.ensure_initial(ctx)
        yield ctx
    finally:
        await bot.close()
        await backends.close()
        await db.dispose()


async def add_version(ctx: ServiceContext, content: bot_content.Content) -> int:
    """What publishing stores after the training (publish.py's insert, without the bus)."""
    version = await store.latest_version(ctx) + 1
    async with ctx.db.write() as session:
        session.add(ContentVersion(version=version, content=json.dumps(content),
                                   digest=bot_content.digest(content), created_by="editor"))
    return version


class FakeRasa:
    """Rasa's /model/train, PUT /model and /status, recording what it was sent."""

    def __init__(self) -> None:
        self.loaded = "started-with.tar.gz"
        self.trained: list[str] = []
        self.requests: list[httpx.Request] = []
        self.refusal: httpx.Response | None = None
        self.error: Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        if request.url.path == "/model/train":
            if self.refusal is not None:
                return self.refusal
            self.trained.append(request.content.decode())
            name = f"20261201-1200{len(self.trained)}-brisk-falcon.tar.gz"
            return httpx.Response(200, content=b"model bytes", headers={"filename": name})
        if request.url.path == "/model" and request.method == "PUT":
            self.loaded = json.loads(request.content)["model_file"].rsplit("/", 1)[-1]
            return httpx.Response(204)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": self.loaded, "model_id": "x",
                                             "num_active_training_jobs": 0})
        return httpx.Response(404, json={"message": "not found"})


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[tuple[ServiceContext, FakeRasa, httpx.AsyncClient]]:
    rasa = FakeRasa()
    async with rasa_ctx(tmp_path, "http://rasa.test") as ctx:
        async with rasa_publish.client_for(ctx.settings) as real:  # its params and timeouts
            client = httpx.AsyncClient(base_url="http://rasa.test", params=real.params,
                                       transport=httpx.MockTransport(rasa))
        async with client:
            yield ctx, rasa, client


def test_the_payload_is_one_rasa_training_document() -> None:
    content = edited_content()
    doc = yaml.safe_load(rasa_publish.training_payload(content))
    assert {"pipeline", "policies", "intents", "responses", "slots", "nlu", "rules"} <= set(doc)
    examples = sum(len(item["examples"].splitlines()) for item in doc["nlu"])
    assert examples == sum(len(texts) for langs in content["examples"].values()
                           for texts in langs.values())
    assert doc["rules"] == content["rules"] and doc["intents"] == content["intents"]


async def test_train_loads_records_and_the_bot_reports_the_version(fake: tuple[
        ServiceContext, FakeRasa, httpx.AsyncClient]) -> None:
    ctx, rasa, client = fake
    content = edited_content()
    name = await rasa_publish.train_on_rasa(ctx, content, client)
    assert rasa.loaded == name and len(rasa.trained) == 1
    assert [(r.method, r.url.path) for r in rasa.requests] == [("POST", "/model/train"),
                                                                ("PUT", "/model")]
    assert all(r.url.params["token"] == TOKEN for r in rasa.requests)
    assert rasa.requests[0].headers["content-type"] == "application/yaml"
    assert json.loads(rasa.requests[1].content) == {"model_file": f"models/{name}"}
    bot = rasa_publish.rasa_bot(ctx)
    assert bot is not None
    await rasa_publish.sync(ctx, client)  # trained but not stored as a version yet: no re-load
    assert bot.content_version is None and len(rasa.trained) == 1
    version = await add_version(ctx, content)
    await rasa_publish.sync(ctx, client)
    assert bot.content_version == version == 2


async def test_sync_reloads_the_newest_version_when_rasa_has_another_model(fake: tuple[
        ServiceContext, FakeRasa, httpx.AsyncClient]) -> None:
    ctx, rasa, client = fake
    bot = rasa_publish.rasa_bot(ctx)
    assert bot is not None
    await rasa_publish.sync(ctx, client)  # Rasa runs "started-with": not a published version
    assert bot.content_version is None

    async def reloaded() -> bool:
        return len(rasa.trained) == 1 and bot.content_version == 1
    await eventually(reloaded, timeout=10)
    assert "utter_greet" in rasa.trained[0]  # the shipped content, version 1
    await rasa_publish.sync(ctx, client)
    assert len(rasa.trained) == 1  # nothing more to do
    rasa.error = httpx.ConnectError("refused")
    await rasa_publish.sync(ctx, client)  # Rasa down: logged, the version stays
    assert bot.content_version == 1


@pytest.mark.parametrize(("answer", "error", "words"), [
    (httpx.Response(400, json={"reason": "BadRequest", "message": "invalid YAML, line 3"}),
     InvalidInput, "Rasa cannot train this content: invalid YAML, line 3"),
    (httpx.Response(500, json={"reason": "TrainingError", "message": "no intents"}),
     InvalidInput, "no intents"),
    (httpx.Response(404, text="not found"), Unavailable, "--enable-api"),
    (httpx.Response(401, json={"reason": "NotAuthenticated"}), Unavailable, "NEUVO_RASA_TOKEN"),
    (httpx.Response(502, text="bad gateway"), Unavailable, "HTTP 502"),
    (httpx.ConnectError("refused"), Unavailable, "cannot be reached"),
    (httpx.ReadTimeout("slow"), Unavailable, "NEUVO_RASA_TRAIN_TIMEOUT"),
], ids=["bad-content", "training-error", "no-api", "token", "proxy", "down", "timeout"])
async def test_rasa_refusals_and_outages(fake: tuple[ServiceContext, FakeRasa, httpx.AsyncClient],
                                         answer: httpx.Response | Exception,
                                         error: type[Exception], words: str) -> None:
    ctx, rasa, client = fake
    if isinstance(answer, Exception):
        rasa.error = answer
    else:
        rasa.refusal = answer
    tiny = {"format": 1, "config": "language: fi\n", "domain": {}, "intents": ["greet"],
            "examples": {"greet": {"fi": ["moi"]}}, "responses": {}, "rules": []}
    with pytest.raises(error) as caught:
        await rasa_publish.train_on_rasa(ctx, tiny, client)
    assert words in str(caught.value)
    assert Unavailable.http_status == 503


# The real Rasa 3.6 (make test-rasa) ---------------------------------------------------------

@pytest.fixture(scope="module")
def rasa_api(rasa_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """`rasa run --enable-api` with a token and no model, in its own folder (its models/)."""
    folder, port = tmp_path_factory.mktemp("rasa-api"), _free_port()
    log = folder / "rasa.log"
    env = {**os.environ, "RASA_CACHE_DIRECTORY": RASA_CACHE,
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "PYTHONWARNINGS": "ignore", "RASA_TELEMETRY_ENABLED": "false"}
    shutil.copyfile(REPO / "bot/credentials.yml", folder / "credentials.yml")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(rasa_venv / "bin/rasa"), "run", "--enable-api", "--auth-token", TOKEN,
             "--port", str(port), "--interface", "127.0.0.1", "--credentials", "credentials.yml"],
            cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Rasa did not start ({proc.returncode}):\n"
                            f"{log.read_text(errors='replace')[-4000:]}", pytrace=False)
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        yield url
    finally:
        _stop(proc)


@pytest.mark.rasa
@pytest.mark.timeout(1800)
async def test_publish_trains_and_loads_on_the_real_rasa(rasa_api: str, tmp_path: Path) -> None:
    content = edited_content()
    content["config"] = (REPO / "bot" / CONFIG).read_text(encoding="utf-8")  # the fast pipeline
    async with rasa_ctx(tmp_path, rasa_api) as ctx:
        started = time.monotonic()
        name = await rasa_publish.train_on_rasa(ctx, content)
        print(f"train_on_rasa took {time.monotonic() - started:.1f} s")
        assert await _loaded(rasa_api) == name
        version = await add_version(ctx, content)
        await rasa_publish.sync(ctx)
        bot = rasa_publish.rasa_bot(ctx)
        assert bot is not None and bot.content_version == version
        fi = await bot.respond("milloin kirjasto on auki", make_ctx("fi"))
        assert fi.intent == "library_hours" and fi.replies[0].text == "Kirjasto on auki arkisin."
        assert fi.content_version == version
        en = await bot.respond("when is the library open", make_ctx("en"))
        assert en.replies[0].text == "The library is open on weekdays."
        old = await bot.respond("miten haen toimeentulotukea", make_ctx("fi"))
        assert old.intent == "income_support_basic" and "Kela" in old.replies[0].text
        with pytest.raises(InvalidInput, match="Rasa cannot train"):
            await rasa_publish.train_on_rasa(ctx, {**content, "config": BAD_CONFIG})
        assert await _loaded(rasa_api) == name  # still the good model


async def _loaded(url: str) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(f"{url}/status", params={"token": TOKEN})
    return str(answer.json()["model_file"])


async def test_publish_and_rollback_train_on_rasa_before_storing_the_version(
        fake: tuple[ServiceContext, FakeRasa, httpx.AsyncClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """publish.py with NEUVO_BOT=rasa: the content is trained and loaded on Rasa first; a
    refusal stores no version."""
    from server.services.content import intents, publish

    ctx, rasa, client = fake
    monkeypatch.setattr(rasa_publish, "client_for", lambda settings: client)
    monkeypatch.setattr(client, "aclose", _no_close)
    view = await intents.get_intent(ctx, "thanks")
    await intents.save_intent(ctx, "ed", "thanks", view["revision"],
                              {"en": [*view["examples"]["en"], "cheers mate"]}, None)
    rasa.refusal = httpx.Response(400, json={"message": "invalid YAML, line 3"})
    with pytest.raises(InvalidInput):
        await publish.publish(ctx, "ed", "refused")
    assert await store.latest_version(ctx) == 1
    rasa.refusal = None
    result = await publish.publish(ctx, "ed", "cheers")
    assert result["version"] == 2 and len(rasa.trained) == 1 and "cheers mate" in rasa.trained[0]
    assert rasa.loaded == "20261201-12001-brisk-falcon.tar.gz"  # the model it trained, loaded
    back = await publish.rollback(ctx, "ed", 1, "")
    assert back["version"] == 3 and len(rasa.trained) == 2
    assert rasa.loaded == "20261201-12002-brisk-falcon.tar.gz"
    assert "cheers mate" not in rasa.trained[1]


async def _no_close() -> None:
    return None
