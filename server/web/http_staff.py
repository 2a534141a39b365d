"""Staff HTTP API: login, logout, me, colleagues, canned replies, transcripts, consultations."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from server.protocol.checks import SafeStr, Username
from server.protocol.frames import ConsultThreadItem
from server.services import (
    accounts,
    canned,
    chats,
    consult,
    overview,
    queues,
    signoff,
    transcripts,
)
from server.services.errors import Forbidden
from server.store.models import Staff, aware
from server.web.auth import COOKIE, current_session, require
from server.web.runtime import service_context
from server.web.security import StrictBody, client_address, origin_allowed, read_model

CHAT_ROLES = accounts.CHAT_ROLES


class Login(StrictBody):
    username: Username
    password: Annotated[str, Field(min_length=1, max_length=1024)]


def account_json(staff: Staff) -> dict[str, object]:
    return {"username": staff.username, "display_name": staff.display_name,
            "roles": staff.role_list, "capacity": staff.capacity,
            "languages": staff.language_list}


async def login(request: Request) -> Response:
    ctx = service_context(request)
    if "origin" in request.headers and not origin_allowed(request, ctx.settings, staff=True):
        raise Forbidden("login from this origin is not allowed")
    body = await read_model(request, Login)
    result = await accounts.login(ctx, body.username, body.password,
                                  chats.client_key(ctx, client_address(request)))
    response = JSONResponse({"csrf_token": result.csrf_token, **account_json(result.staff)})
    response.set_cookie(COOKIE, result.session_token, httponly=True, samesite="strict",
                        secure=not ctx.settings.dev, path="/",
                        max_age=int(ctx.settings.session_ttl_hours * 3600))
    return response


async def logout(request: Request) -> Response:
    staff, _ = await current_session(request, csrf=True)
    await accounts.logout(service_context(request), request.cookies.get(COOKIE, ""))
    await signoff.sign_off(service_context(request), staff)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


class DisplayName(StrictBody):
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)]


class ConsultStart(StrictBody):
    chat_id: Annotated[SafeStr, Field(min_length=1, max_length=64)]
    text: Annotated[SafeStr, Field(min_length=1, max_length=consult.MAX_TEXT)]


class ConsultReplyBody(StrictBody):
    text: Annotated[SafeStr, Field(min_length=1, max_length=consult.MAX_TEXT)]


async def me(request: Request) -> Response:
    staff, session = await current_session(request, csrf=False)
    expires = aware(session.expires_at)
    mine = await queues.queues_of(service_context(request), staff.id)
    return JSONResponse({**account_json(staff), "csrf_token": session.csrf_token,
                         "session_expires_at": expires.isoformat() if expires else None,
                         "queues": mine})


async def update_me(request: Request) -> Response:
    staff = await require(request)
    body = await read_model(request, DisplayName)
    return JSONResponse(account_json(await accounts.set_display_name(
        service_context(request).db, staff, body.display_name)))


async def colleagues(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    return JSONResponse({"items": await overview.on_duty_with_load(service_context(request),
                                                                   except_id=staff.id)})


async def canned_list(request: Request) -> Response:
    await require(request, *CHAT_ROLES)
    items = await canned.search(service_context(request), request.query_params.get("lang") or None,
                                request.query_params.get("q"))
    return JSONResponse({"items": [canned.as_json(i) for i in items]})


async def transcript_file(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    chat_id = request.path_params["chat_id"]
    text = await transcripts.export_text(service_context(request), staff, chat_id)
    return PlainTextResponse(text, headers={
        "content-disposition": f'attachment; filename="neuvo-{chat_id}.txt"'})


def _thread_json(item: ConsultThreadItem) -> dict[str, object]:
    return item.model_dump(mode="json")


async def consultations(request: Request) -> Response:
    await require(request, *CHAT_ROLES)
    return JSONResponse({"items": [_thread_json(t) for t in await consult.recent(service_context(request))]})


async def consultation_start(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    body = await read_model(request, ConsultStart)
    thread = await consult.start(service_context(request), staff, body.chat_id, body.text)
    return JSONResponse(_thread_json(thread), status_code=201)


async def consultation_reply(request: Request) -> Response:
    staff = await require(request, *CHAT_ROLES)
    body = await read_model(request, ConsultReplyBody)
    thread = await consult.reply(service_context(request), staff, request.path_params["thread_id"], body.text)
    return JSONResponse(_thread_json(thread), status_code=201)


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
]
