"""Staff HTTP API (login, logout, me) and the staff and resident socket endpoints."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from server.protocol.checks import SafeStr
from server.protocol.frames import ConsultThreadItem
from server.services import (
    accounts,
    canned,
    chats,
    consult,
    overview,
    signoff,
    transcripts,
)
from server.services.context import ServiceContext
from server.services.errors import Forbidden, Unauthorized
from server.store.models import Staff, StaffSession, aware
from server.web.security import client_address, handles_errors, origin_allowed, read_model
from server.web.ws_resident import ResidentConnection
from server.web.ws_staff import StaffConnection

log = logging.getLogger(__name__)
COOKIE = "neuvo_session"
CHAT_ROLES = accounts.CHAT_ROLES


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    username: Annotated[SafeStr, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


def _ctx(conn: Request | WebSocket) -> ServiceContext:
    ctx: ServiceContext = conn.app.state.ctx
    return ctx


def account_json(staff: Staff) -> dict[str, object]:
    return {"username": staff.username, "display_name": staff.display_name,
            "roles": staff.roles.split(","), "capacity": staff.capacity,
            "languages": staff.languages.split(",")}


async def current_session(request: Request, *, csrf: bool) -> tuple[Staff, StaffSession]:
    staff, session = await accounts.session_staff(_ctx(request), request.cookies.get(COOKIE))
    if csrf:
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise Forbidden("missing or wrong X-CSRF-Token header")
    return staff, session


async def require(request: Request, *roles: str) -> Staff:
    """The logged-in account, with the CSRF header for state-changing methods and one of
    `roles` (admin has every role)."""
    staff, _ = await current_session(request, csrf=request.method not in ("GET", "HEAD"))
    if roles and not accounts.has_role(staff, *roles):
        raise Forbidden("your account does not have the role for this")
    return staff


@handles_errors
async def login(request: Request) -> Response:
    ctx = _ctx(request)
    if "origin" in request.headers and not origin_allowed(request, ctx.settings):
        raise Forbidden("login from this origin is not allowed")
    body = await read_model(request, Login)
    result = await accounts.login(ctx, body.username, body.password,
                                  chats.client_key(ctx, client_address(request)))
    response = JSONResponse({"csrf_token": result.csrf_token, **account_json(result.staff)})
    response.set_cookie(COOKIE, result.session_token, httponly=True, samesite="strict",
                        secure=not ctx.settings.dev, path="/",
                        max_age=int(ctx.settings.session_ttl_hours * 3600))
    return response


@handles_errors
async def logout(request: Request) -> Response:
    staff, _ = await current_session(request, csrf=True)
    await accounts.logout(_ctx(request), request.cookies.get(COOKIE, ""))
    await signoff.sign_off(_ctx(request), staff)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


class DisplayName(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)]


class ConsultStart(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    chat_id: Annotated[SafeStr, Field(min_length=1, max_length=64)]
    text: Annotated[SafeStr, Field(min_length=1, max_length=consult.MAX_TEXT)]


class ConsultReplyBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    text: Annotated[SafeStr, Field(min_length=1, max_length=consult.MAX_TEXT)]


@handles_errors
async def me(request: Request) -> Response:
    staff, session = await current_session(request, csrf=False)
    expires = aware(session.expires_at)
    return JSONResponse({**account_json(staff), "csrf_token": session.csrf_token,
                         "session_expires_at": expires.isoformat() if expires else None})


@handles_errors
async def update_me(request: Request) -> Response:
    staff = await require(request)
    body = await read_model(request, DisplayName)
    return JSONResponse(account_json(await accounts.set_display_name(
        _ctx(request).db, staff, body.display_name)))


@handles_errors
async def colleagues(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    return JSONResponse({"items": await overview.on_duty_with_load(_ctx(request),
                                                                   except_id=staff.id)})


@handles_errors
async def canned_list(request: Request) -> Response:
    await require(request, *CHAT_ROLES)
    items = await canned.search(_ctx(request), request.query_params.get("lang") or None,
                                request.query_params.get("q"))
    return JSONResponse({"items": [canned.as_json(i) for i in items]})


@handles_errors
async def transcript_file(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    chat_id = request.path_params["chat_id"]
    text = await transcripts.export_text(_ctx(request), staff, chat_id)
    return PlainTextResponse(text, headers={
        "content-disposition": f'attachment; filename="neuvo-{chat_id}.txt"'})


def _thread_json(item: ConsultThreadItem) -> dict[str, object]:
    return item.model_dump(mode="json")


@handles_errors
async def consultations(request: Request) -> Response:
    await require(request, *CHAT_ROLES)
    return JSONResponse({"items": [_thread_json(t) for t in await consult.recent(_ctx(request))]})


@handles_errors
async def consultation_start(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    body = await read_model(request, ConsultStart)
    thread = await consult.start(_ctx(request), staff, body.chat_id, body.text)
    return JSONResponse(_thread_json(thread), status_code=201)


@handles_errors
async def consultation_reply(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    body = await read_model(request, ConsultReplyBody)
    thread = await consult.reply(_ctx(request), staff, request.path_params["thread_id"], body.text)
    return JSONResponse(_thread_json(thread), status_code=201)


async def staff_socket(ws: WebSocket) -> None:
    ctx = _ctx(ws)
    if not origin_allowed(ws, ctx.settings):
        log.info("staff socket refused: origin not allowed")
        await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
        return
    token = ws.cookies.get(COOKIE)
    try:
        staff, _ = await accounts.session_staff(ctx, token)
    except Unauthorized:
        log.info("staff socket refused: no valid session")
        await ws.close(code=4401)
        return
    if not accounts.has_role(staff, *CHAT_ROLES):
        log.info("staff socket refused: roles %s cannot chat", staff.roles)
        await ws.close(code=4403)
        return
    await ws.accept()
    assert token is not None
    await StaffConnection(ws, ctx, ws.app.state.hub, staff, token).run()


async def resident_socket(ws: WebSocket) -> None:
    ctx = _ctx(ws)
    if "origin" in ws.headers and not origin_allowed(ws, ctx.settings):
        log.info("resident socket refused: origin not allowed")
        await ws.close(code=1008)
        return
    await ws.accept()
    await ResidentConnection(ws, ctx, ws.app.state.hub, ws.app.state.tasks).run()


routes = [
    Route("/api/v1/staff/login", login, methods=["POST"]),
    Route("/api/v1/staff/logout", logout, methods=["POST"]),
    Route("/api/v1/staff/me", me, methods=["GET"]),
    Route("/api/v1/staff/me", update_me, methods=["PATCH"]),
    Route("/api/v1/staff/colleagues", colleagues, methods=["GET"]),
    Route("/api/v1/staff/canned", canned_list, methods=["GET"]),
    Route("/api/v1/staff/chats/{chat_id}/transcript.txt", transcript_file, methods=["GET"]),
    Route("/api/v1/staff/consultations", consultations, methods=["GET"]),
    Route("/api/v1/staff/consultations", consultation_start, methods=["POST"]),
    Route("/api/v1/staff/consultations/{thread_id}/replies", consultation_reply,
          methods=["POST"]),
    WebSocketRoute("/ws/v1/staff", staff_socket),
    WebSocketRoute("/ws/v1/resident", resident_socket),
]
