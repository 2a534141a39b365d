"""Publishing to a real Rasa 3.6 server (NEUVO_BOT=rasa): train the content there through its
HTTP API and load the trained model, and know which content version it answers from.

`train_on_rasa` sends the content as one YAML document (config, domain, NLU, rules) to
`POST /model/train` (the model is saved in the Rasa server's `models/` folder), then loads it
with `PUT /model`. The Rasa server must run with `--enable-api`; `NEUVO_RASA_TOKEN` goes as
`?token=`. Then it records in `service_settings` (key `rasa_model`) which model file holds
which content (by digest), so every process can tell the version Rasa answers from.

`sync` (called with every content refresh: start-up, `content.published`, every 30 s) reads
`GET /status`: when Rasa has the recorded model loaded, the process's RasaBot reports the
newest version with that content; when Rasa has another model (it was restarted with its
own) or an unpublished one that a failed publish left (after PUBLISH_GRACE_S), it trains
and loads the newest published version in the background.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from datetime import timedelta
from email.message import Message
from typing import Any

import httpx
import yaml
from sqlalchemy import func, select
from sqlmodel import col

from bot import content as bot_content
from bot.engine.loader import NLU_FILES, RULES_FILE
from bot.engine.project import CONFIG_FILE, DOMAIN_FILE
from bot.rasa_bot import RasaBot
from server.config import Settings
from server.services.content import store
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, ServiceError, Unavailable
from server.store.models import ServiceSetting, aware
from server.store.models_content import ContentVersion

log = logging.getLogger(__name__)
RECORD_KEY = "rasa_model"
MODELS_DIR = "models"  # Rasa's default models path, relative to the Rasa server's directory
PUBLISH_GRACE_S = 600.0  # a model loaded this recently may belong to a publish still storing its version
RETRY_AFTER_S = 600.0  # after a failed background re-load, wait this long before the next one
STATUS_TIMEOUT_S = 2.0  # sync runs before the server accepts connections: a silent Rasa must not hold it
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def training_payload(content: bot_content.Content) -> str:
    """The content as the one YAML document `POST /model/train` takes: the files of the Rasa
    export (config.yml, domain.yml, data/nlu/*.yml, data/rules.yml) merged."""
    files = bot_content.to_files(content)

    def load(rel: str) -> dict[str, Any]:
        try:
            doc = yaml.load(files[rel], Loader=_LOADER)  # a safe loader
        except yaml.YAMLError as exc:
            raise InvalidInput(f"Rasa cannot train this content: {rel}: {exc}") from None
        return doc if isinstance(doc, dict) else {}

    doc: dict[str, Any] = {**load(CONFIG_FILE), **load(DOMAIN_FILE)}
    doc["nlu"] = [item for rel in NLU_FILES.values() for item in load(rel).get("nlu") or []]
    doc["rules"] = load(RULES_FILE).get("rules") or []
    return bot_content.dump_yaml(doc)


def client_for(settings: Settings) -> httpx.AsyncClient:
    """An HTTP client for the Rasa server's API: the token as `?token=`, the long timeout
    (NEUVO_RASA_TRAIN_TIMEOUT) for reading, the short one (NEUVO_RASA_TIMEOUT) to connect."""
    if not settings.rasa_url:
        raise Unavailable("NEUVO_BOT=rasa needs NEUVO_RASA_URL")
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    return httpx.AsyncClient(
        base_url=settings.rasa_url.rstrip("/"), params={"token": token} if token else None,
        timeout=httpx.Timeout(settings.rasa_train_timeout, connect=settings.rasa_timeout))


async def train_on_rasa(ctx: ServiceContext, content: bot_content.Content,
                       client: httpx.AsyncClient | None = None) -> str:
    """Train and load `content` on the Rasa server (NEUVO_RASA_URL); returns the model file.
    Raises InvalidInput when Rasa refuses the content, Unavailable (503) when Rasa is down,
    has no API (--enable-api), refuses the token or times out (NEUVO_RASA_TRAIN_TIMEOUT).
    `client` is for tests (default: `client_for(ctx.settings)`)."""
    started = time.monotonic()
    http = client or client_for(ctx.settings)
    try:
        body = (await asyncio.to_thread(training_payload, content)).encode()
        filename = await _train(http, body)
        # Recorded before the load: a sync elsewhere then sees a fresh record, not a stranger.
        await _record(ctx, filename, bot_content.digest(content))
        bot = rasa_bot(ctx)
        if bot is not None:
            bot.content_version = None  # unknown until the version is stored (sync sets it)
        await _call(http, "PUT", "/model", "load the trained model",
                    json={"model_file": f"{MODELS_DIR}/{filename}"})
    finally:
        if client is None:
            await http.aclose()
    log.info("trained and loaded %s on the Rasa server in %.1f s", filename,
             time.monotonic() - started)
    return filename


async def _train(client: httpx.AsyncClient, body: bytes) -> str:
    try:
        async with client.stream("POST", "/model/train", content=body,
                                 headers={"Content-Type": "application/yaml"}) as response:
            if response.status_code != 200:
                await response.aread()
                raise _refused(response, "train the content")
            filename = response.headers.get("filename") or _disposition(response)
            if not response.is_stream_consumed:
                async for _ in response.aiter_raw():  # the model itself: not needed here
                    pass
    except httpx.TimeoutException:
        raise Unavailable("the Rasa server did not finish training in time "
                          "(NEUVO_RASA_TRAIN_TIMEOUT)") from None
    except httpx.HTTPError as exc:
        raise Unavailable(f"the Rasa server cannot be reached ({type(exc).__name__})") from None
    if not filename or "/" in filename or filename.startswith("."):
        raise Unavailable("the Rasa server trained but did not name the model file")
    return filename


async def _call(client: httpx.AsyncClient, method: str, path: str, what: str,
                timeout: float | None = None, **kwargs: Any) -> Any:
    try:
        response = await client.request(
            method, path, **kwargs, timeout=timeout if timeout else httpx.USE_CLIENT_DEFAULT)
    except httpx.TimeoutException:
        raise Unavailable(f"the Rasa server did not answer in time ({what})") from None
    except httpx.HTTPError as exc:
        raise Unavailable(f"the Rasa server cannot be reached ({type(exc).__name__})") from None
    if response.status_code >= 300:
        raise _refused(response, what)
    return response.json() if response.content else None


def _refused(response: httpx.Response, what: str) -> ServiceError:
    """Rasa's error answer as our error: the content's fault → InvalidInput, else 503."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = str(body.get("message") or "")[:1500] if isinstance(body, dict) else ""
    reason = str(body.get("reason") or "") if isinstance(body, dict) else ""
    status = response.status_code
    if status in (401, 403):
        return Unavailable("the Rasa server refused the API token (NEUVO_RASA_TOKEN)")
    if status in (404, 405):
        return Unavailable("the Rasa server has no HTTP API: start it with --enable-api")
    if what == "train the content" and (status == 400 or reason in (
            "TrainingError", "InvalidDomainError")):
        return InvalidInput(f"Rasa cannot train this content: {detail or f'HTTP {status}'}")
    return Unavailable(f"the Rasa server could not {what} (HTTP {status}) {detail}".strip())


def _disposition(response: httpx.Response) -> str | None:
    header = response.headers.get("content-disposition")
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    name = message.get_filename()
    return str(name) if name else None


def rasa_bot(ctx: ServiceContext) -> RasaBot | None:
    """The process's RasaBot, also when it is wrapped (e.g. timed for /metrics: `.inner`)."""
    bot: object = ctx.bot
    for _ in range(3):
        if isinstance(bot, RasaBot):
            return bot
        bot = getattr(bot, "inner", None)
    return None


async def _record(ctx: ServiceContext, model_file: str, digest: str) -> None:
    value = json.dumps({"model_file": model_file, "digest": digest})
    async with ctx.db.write() as session:
        row = await session.get(ServiceSetting, RECORD_KEY)
        if row is None:
            session.add(ServiceSetting(key=RECORD_KEY, value=value, updated_at=ctx.clock()))
        else:
            row.value, row.updated_at = value, ctx.clock()


class _State:
    healing = False
    retry_at = 0.0


_STATES: weakref.WeakKeyDictionary[RasaBot, _State] = weakref.WeakKeyDictionary()


async def sync(ctx: ServiceContext, client: httpx.AsyncClient | None = None) -> None:
    """Tell the RasaBot which version Rasa answers from; re-load the newest published version
    on Rasa (in the background) when Rasa has another model. Never raises for a Rasa outage."""
    bot = rasa_bot(ctx)
    if bot is None:
        return
    state = _STATES.setdefault(bot, _State())
    async with ctx.db.read() as session:
        row = await session.get(ServiceSetting, RECORD_KEY)
    record = json.loads(row.value) if row is not None else {}
    http = client or client_for(ctx.settings)
    try:
        status = await _call(http, "GET", "/status", "report its model",
                             timeout=min(ctx.settings.rasa_timeout, STATUS_TIMEOUT_S))
    except Unavailable as exc:
        if "HTTP 409" not in exc.message:  # 409: Rasa runs without a model; load one
            log.warning("rasa status: %s", exc.message)
            return
        status = {}
    finally:
        if client is None:
            await http.aclose()
    status = status if isinstance(status, dict) else {}
    loaded = status.get("model_file")
    latest = await store.latest_version(ctx)
    latest_row = await store.version_row(ctx, latest)
    matches = row is not None and loaded == record.get("model_file")
    bot.content_version = await _version_of(ctx, record.get("digest")) if matches else None
    if latest_row is None or (matches and record.get("digest") == latest_row.digest):
        return
    fresh = row is not None and (ctx.clock() - (aware(row.updated_at) or ctx.clock())
                                 < timedelta(seconds=PUBLISH_GRACE_S))
    if fresh or status.get("num_active_training_jobs") or state.healing \
            or time.monotonic() < state.retry_at:
        return
    state.healing = True
    ctx.in_background(_heal(ctx, state, latest, json.loads(latest_row.content), client),
                     "rasa-reload")


async def _heal(ctx: ServiceContext, state: _State, version: int,
                content: bot_content.Content, client: httpx.AsyncClient | None) -> None:
    try:
        log.info("the Rasa server does not have version %d loaded; training it there", version)
        await train_on_rasa(ctx, content, client)
        await sync(ctx, client)
    except ServiceError as exc:
        state.retry_at = time.monotonic() + RETRY_AFTER_S
        log.warning("re-loading version %d on the Rasa server failed: %s", version, exc.message)
    except Exception:
        state.retry_at = time.monotonic() + RETRY_AFTER_S
        log.exception("re-loading version %d on the Rasa server failed", version)
    finally:
        state.healing = False


async def _version_of(ctx: ServiceContext, digest: object) -> int | None:
    """The newest published version with this content."""
    if not isinstance(digest, str):
        return None
    async with ctx.db.read() as session:
        value = await session.scalar(select(func.max(ContentVersion.version))
                                     .where(col(ContentVersion.digest) == digest))
    return int(value) if value is not None else None
