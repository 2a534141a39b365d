"""Supervisor and admin HTTP API (docs/staff-api.md): overview, reassign, staff accounts,
canned replies, service hours and announcement, audit log. Roles are checked per call."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.privacy import audit
from server.protocol.checks import SafeStr, safe_param
from server.services import accounts, canned, feedback, overview, queue, service_config, transfers
from server.services.context import ServiceContext
from server.services.errors import InvalidInput
from server.store.models import Staff
from server.vocabulary import Lang, Role
from server.web.http_staff import account_json, require
from server.web.security import handles_errors, read_model

SUPERVISOR = "supervisor"
Username = Annotated[SafeStr, Field(min_length=1, max_length=64)]
LangCode = Lang


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Reassign(Strict):
    to: Username
    note: Annotated[SafeStr, Field(max_length=4000)] | None = None


class NewStaff(Strict):
    username: Username
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    roles: Annotated[list[Role], Field(min_length=1, max_length=4)]
    capacity: Annotated[int, Field(ge=1, le=50)] = 3
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=3)] = ["fi"]


class StaffChange(Strict):
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)] | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=4)] | None = None
    capacity: Annotated[int, Field(ge=1, le=50)] | None = None
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=3)] | None = None
    active: bool | None = None


class NewPassword(Strict):
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class CannedBody(Strict):
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


class AnnouncementBody(Strict):
    fi: Announcement = None
    sv: Announcement = None
    en: Announcement = None


def _ctx(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


@handles_errors
async def get_overview(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await overview.overview(_ctx(request)))


@handles_errors
async def feedback_list(request: Request) -> Response:
    await require(request, SUPERVISOR)
    raw = request.query_params.get("limit", str(feedback.DEFAULT_LIMIT))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= feedback.MAX_LIMIT:
        raise InvalidInput(f"limit: a whole number from 1 to {feedback.MAX_LIMIT}")
    return JSONResponse(await feedback.recent_feedback(_ctx(request), int(raw)))


@handles_errors
async def reassign(request: Request) -> Response:
    supervisor = await require(request, SUPERVISOR)
    body = await read_model(request, Reassign)
    await transfers.reassign(_ctx(request), supervisor, request.path_params["chat_id"], body.to,
                             body.note)
    return JSONResponse({"ok": True})


async def _staff_json(ctx: ServiceContext, staff: list[Staff]) -> list[dict[str, object]]:
    present = await ctx.backends.presence.all()
    counts = await queue.active_counts(ctx)
    return [{**account_json(s), "active": s.active,
             "status": present.get(s.id, "offline") if s.active else "offline",
             "active_chats": counts.get(s.id, 0)} for s in staff]


@handles_errors
async def staff_list(request: Request) -> Response:
    await require(request, SUPERVISOR)
    ctx = _ctx(request)
    return JSONResponse({"items": await _staff_json(ctx, await accounts.list_staff(ctx.db))})


@handles_errors
async def staff_create(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, NewStaff)
    accounts.check_admin_rule(actor, list(body.roles))
    ctx = _ctx(request)
    staff = await accounts.add_staff(ctx.db, body.username, body.password, list(body.roles),
                                     body.display_name, body.capacity, list(body.languages))
    return JSONResponse((await _staff_json(ctx, [staff]))[0], status_code=201)


@handles_errors
async def staff_update(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, StaffChange)
    ctx = _ctx(request)
    staff = await accounts.update_staff(
        ctx, actor, request.path_params["username"], display_name=body.display_name,
        roles=list(body.roles) if body.roles is not None else None, capacity=body.capacity,
        languages=list(body.languages) if body.languages is not None else None,
        active=body.active)
    if body.active is not None or body.capacity is not None:
        await queue.publish_queue(ctx)  # staffing changed: estimates change
    return JSONResponse((await _staff_json(ctx, [staff]))[0])


@handles_errors
async def staff_password(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, NewPassword)
    await accounts.reset_password(_ctx(request), actor, request.path_params["username"],
                                  body.password)
    return JSONResponse({"ok": True})


@handles_errors
async def canned_all(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse({"items": [canned.as_json(i) for i in await canned.search(_ctx(request))]})


@handles_errors
async def canned_create(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, CannedBody)
    item = await canned.create(_ctx(request), body.lang, body.title, body.text, actor.id)
    return JSONResponse(canned.as_json(item), status_code=201)


def _item_id(request: Request) -> int:
    raw = request.path_params["item_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("canned reply id must be a number")
    return int(raw)


@handles_errors
async def canned_update(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, CannedBody)
    item = await canned.update(_ctx(request), _item_id(request), body.lang, body.title,
                               body.text, actor.id)
    return JSONResponse(canned.as_json(item))


@handles_errors
async def canned_delete(request: Request) -> Response:
    await require(request, SUPERVISOR)
    await canned.delete(_ctx(request), _item_id(request))
    return JSONResponse({"ok": True})


async def _service_json(ctx: ServiceContext) -> dict[str, Any]:
    config = await service_config.current(ctx)
    now = ctx.clock()
    return {"source": config.source, "hours": service_config.hours_to_json(config.hours),
            "hours_text": service_config.describe_all(config, now),
            "open_now": config.hours.is_open(now),
            "announcement": {lang: config.announcement.get(lang)
                             for lang in service_config.LANGS}}


@handles_errors
async def service_get(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await _service_json(_ctx(request)))


@handles_errors
async def hours_put(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, HoursBody)
    ctx = _ctx(request)
    await service_config.save_hours(ctx, body.model_dump(exclude_none=True), actor.id)
    return JSONResponse(await _service_json(ctx))


@handles_errors
async def hours_delete(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    ctx = _ctx(request)
    await service_config.save_hours(ctx, None, actor.id)
    return JSONResponse(await _service_json(ctx))


@handles_errors
async def announcement_put(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, AnnouncementBody)
    ctx = _ctx(request)
    await service_config.save_announcement(ctx, body.model_dump(), actor.id)
    return JSONResponse(await _service_json(ctx))


@handles_errors
async def audit_log(request: Request) -> Response:
    await require(request, "admin")
    ctx = _ctx(request)
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
    Route(f"{_S}/staff", staff_list, methods=["GET"]),
    Route(f"{_S}/staff", staff_create, methods=["POST"]),
    Route(f"{_S}/staff/{{username}}", staff_update, methods=["PATCH"]),
    Route(f"{_S}/staff/{{username}}/password", staff_password, methods=["POST"]),
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
