"""Resident HTTP API: open a chat, read the service status."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import metrics
from server.protocol.checks import SafeStr
from server.services import chats, presence
from server.services.context import ServiceContext
from server.vocabulary import Lang
from server.web.security import client_address, handles_errors, read_model


class CreateChat(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    lang: Lang
    municipality: Annotated[SafeStr, Field(min_length=1, max_length=100)] | None = None


def _ctx(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


def ws_url(request: Request) -> str:
    public = _ctx(request).settings.public_url
    base = public.rstrip("/") if public else f"{request.url.scheme}://{request.url.netloc}"
    return base.replace("https://", "wss://").replace("http://", "ws://") + "/ws/v1/resident"


@handles_errors
async def create_chat(request: Request) -> Response:
    body = await read_model(request, CreateChat)
    chat, token = await chats.create_chat(_ctx(request), body.lang, body.municipality,
                                          client_address(request))
    metrics.CHATS_CREATED.labels(chat.lang).inc()
    return JSONResponse({"chat_id": chat.id, "resident_token": token, "ws_url": ws_url(request)},
                        status_code=201)


@handles_errors
async def service_status(request: Request) -> Response:
    status = await presence.service_status(_ctx(request), request.query_params.get("lang", "fi"))
    return JSONResponse(status)


routes = [
    Route("/api/v1/chats", create_chat, methods=["POST"]),
    Route("/api/v1/service/status", service_status, methods=["GET"]),
]
