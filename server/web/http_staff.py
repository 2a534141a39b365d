"""Staff HTTP API (login, logout, me) and the staff and resident socket endpoints."""

from __future__ import annotations

import hmac
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from server.services import accounts, chats
from server.services.context import ServiceContext
from server.services.errors import Forbidden, Unauthorized
from server.store.models import Staff, StaffSession
from server.web.security import client_address, handles_errors, origin_allowed, read_model
from server.web.ws_resident import ResidentConnection
from server.web.ws_staff import StaffConnection

COOKIE = "neuvo_session"
CHAT_ROLES = ("staff", "supervisor")


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    username: Annotated[str, Field(min_length=1, max_length=64)]
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
    await current_session(request, csrf=True)
    await accounts.logout(_ctx(request), request.cookies.get(COOKIE, ""))
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@handles_errors
async def me(request: Request) -> Response:
    staff, _ = await current_session(request, csrf=False)
    return JSONResponse(account_json(staff))


async def staff_socket(ws: WebSocket) -> None:
    ctx = _ctx(ws)
    if not origin_allowed(ws, ctx.settings):
        await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
        return
    token = ws.cookies.get(COOKIE)
    try:
        staff, _ = await accounts.session_staff(ctx, token)
    except Unauthorized:
        await ws.close(code=4401)
        return
    if not accounts.has_role(staff, *CHAT_ROLES):
        await ws.close(code=4403)
        return
    await ws.accept()
    assert token is not None
    await StaffConnection(ws, ctx, ws.app.state.hub, staff, token).run()


async def resident_socket(ws: WebSocket) -> None:
    ctx = _ctx(ws)
    if "origin" in ws.headers and not origin_allowed(ws, ctx.settings):
        await ws.close(code=1008)
        return
    await ws.accept()
    await ResidentConnection(ws, ctx, ws.app.state.hub, ws.app.state.tasks).run()


routes = [
    Route("/api/v1/staff/login", login, methods=["POST"]),
    Route("/api/v1/staff/logout", logout, methods=["POST"]),
    Route("/api/v1/staff/me", me, methods=["GET"]),
    WebSocketRoute("/ws/v1/staff", staff_socket),
    WebSocketRoute("/ws/v1/resident", resident_socket),
]
