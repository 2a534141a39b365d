"""Supervisor and admin HTTP API (docs/staff-api.md): overview, reassign, canned replies,
service hours and announcement, audit log (staff accounts: http_accounts.py). Roles are
checked per call."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.privacy import audit
from server.protocol.checks import QueueId, SafeStr, Username, safe_param
from server.services import canned, feedback, overview, service_config, transfers
from server.services.context import ServiceContext
from server.services.errors import InvalidInput
from server.vocabulary import Lang
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_model

SUPERVISOR = "supervisor"
LangCode = Lang


class Reassign(StrictBody):
    to: Username
    note: Annotated[SafeStr, Field(max_length=4000)] | None = None
    queue: QueueId | None = None


class CannedBody(StrictBody):
    lang: LangCode
    title: Annotated[SafeStr, Field(min_length=1, max_length=canned.MAX_TITLE)]
    text: Annotated[SafeStr, Field(min_length=1, max_length=canned.MAX_TEXT)]


class HoursBody(BaseModel):
    # Validated field by field in service_config.hours_from_json (clear messages).
    model_config = ConfigDict(extra="forbid")
    always: bool = False
    tz: str | None = None
    weekly: dict[str, Any] | None = None
    exceptions: list[Any] | None = None


Announcement = Annotated[SafeStr, Field(max_length=service_config.MAX_ANNOUNCEMENT)] | None


class AnnouncementBody(StrictBody):
    fi: Announcement = None
    sv: Announcement = None
    en: Announcement = None



async def get_overview(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await overview.overview(service_context(request)))


async def feedback_list(request: Request) -> Response:
    await require(request, SUPERVISOR)
    raw = request.query_params.get("limit", str(feedback.DEFAULT_LIMIT))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= feedback.MAX_LIMIT:
        raise InvalidInput(f"limit: a whole number from 1 to {feedback.MAX_LIMIT}")
    return JSONResponse(await feedback.recent_feedback(service_context(request), int(raw)))


async def reassign(request: Request) -> Response:
    supervisor = await require(request, SUPERVISOR)
    body = await read_model(request, Reassign)
    await transfers.reassign(service_context(request), supervisor, request.path_params["chat_id"], body.to,
                             body.note, queue=body.queue)
    return JSONResponse({"ok": True})


async def canned_all(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse({"items": [canned.as_json(i) for i in await canned.search(service_context(request))]})


async def canned_create(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, CannedBody)
    item = await canned.create(service_context(request), body.lang, body.title, body.text, actor.id)
    return JSONResponse(canned.as_json(item), status_code=201)


def _item_id(request: Request) -> int:
    raw = request.path_params["item_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("canned reply id must be a number")
    return int(raw)


async def canned_update(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, CannedBody)
    item = await canned.update(service_context(request), _item_id(request), body.lang, body.title,
                               body.text, actor.id)
    return JSONResponse(canned.as_json(item))


async def canned_delete(request: Request) -> Response:
    await require(request, SUPERVISOR)
    await canned.delete(service_context(request), _item_id(request))
    return JSONResponse({"ok": True})


async def _service_json(ctx: ServiceContext) -> dict[str, Any]:
    config = await service_config.current(ctx)
    now = ctx.clock()
    return {"source": config.source, "hours": service_config.hours_to_json(config.hours),
            "hours_text": service_config.describe_all(config, now),
            "open_now": config.hours.is_open(now),
            "announcement": {lang: config.announcement.get(lang)
                             for lang in service_config.LANGS}}


async def service_get(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await _service_json(service_context(request)))


async def hours_put(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, HoursBody)
    ctx = service_context(request)
    await service_config.save_hours(ctx, body.model_dump(exclude_none=True), actor.id)
    return JSONResponse(await _service_json(ctx))


async def hours_delete(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    ctx = service_context(request)
    await service_config.save_hours(ctx, None, actor.id)
    return JSONResponse(await _service_json(ctx))


async def announcement_put(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, AnnouncementBody)
    ctx = service_context(request)
    await service_config.save_announcement(ctx, body.model_dump(), actor.id)
    return JSONResponse(await _service_json(ctx))


async def audit_log(request: Request) -> Response:
    await require(request, "admin")
    ctx = service_context(request)
    params = request.query_params
    limit = _int_param(params.get("limit"), "limit", 100, 1, 500)
    before = _int_param(params.get("before_id"), "before_id", None, 1, 2**62)
    items = await audit.entries(
        ctx, limit=limit or 100, before_id=before,
        chat_id=safe_param(params.get("chat_id"), "chat_id"),
        username=safe_param(params.get("username"), "username"))
    next_before = items[-1]["id"] if len(items) == limit else None
    return JSONResponse({"items": items, "next_before_id": next_before})


def _int_param(raw: str | None, name: str, default: int | None, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(f"{name} must be a whole number between {low} and {high}")
    return int(raw)


_S = "/api/v1/supervisor"
routes = [
    Route(f"{_S}/overview", get_overview, methods=["GET"]),
    Route(f"{_S}/feedback", feedback_list, methods=["GET"]),
    Route(f"{_S}/chats/{{chat_id}}/reassign", reassign, methods=["POST"]),
    Route(f"{_S}/canned", canned_all, methods=["GET"]),
    Route(f"{_S}/canned", canned_create, methods=["POST"]),
    Route(f"{_S}/canned/{{item_id}}", canned_update, methods=["PUT"]),
    Route(f"{_S}/canned/{{item_id}}", canned_delete, methods=["DELETE"]),
    Route(f"{_S}/service", service_get, methods=["GET"]),
    Route(f"{_S}/service/hours", hours_put, methods=["PUT"]),
    Route(f"{_S}/service/hours", hours_delete, methods=["DELETE"]),
    Route(f"{_S}/service/announcement", announcement_put, methods=["PUT"]),
    Route("/api/v1/admin/audit", audit_log, methods=["GET"]),
]
