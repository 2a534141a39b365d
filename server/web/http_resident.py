"""Resident HTTP API: open a chat, read the service status."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import metrics
from server.protocol.checks import QueueId, SafeStr
from server.services import chats, presence, queues
from server.vocabulary import Lang
from server.web.runtime import service_context
from server.web.security import client_address, read_model


class CreateChat(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    lang: Lang
    municipality: Annotated[SafeStr, Field(min_length=1, max_length=100)] | None = None
    queue: QueueId | None = None  # the service queue the widget opens (data-queue)



def ws_url(request: Request) -> str:
    public = service_context(request).settings.public_url
    base = public.rstrip("/") if public else f"{request.url.scheme}://{request.url.netloc}"
    return base.replace("https://", "wss://").replace("http://", "ws://") + "/ws/v1/resident"


async def create_chat(request: Request) -> Response:
    body = await read_model(request, CreateChat)
    chat, token = await chats.create_chat(service_context(request), body.lang, body.municipality,
                                          client_address(request), body.queue)
    metrics.CHATS_CREATED.labels(chat.lang).inc()
    return JSONResponse({"chat_id": chat.id, "resident_token": token, "ws_url": ws_url(request)},
                        status_code=201)


async def service_status(request: Request) -> Response:
    params = request.query_params
    status = await presence.service_status(service_context(request), params.get("lang", "fi"),
                                           params.get("queue"))
    return JSONResponse(status)


async def public_queues(request: Request) -> Response:
    items = await queues.public_list(service_context(request),
                                     request.query_params.get("lang", "fi"))
    return JSONResponse({"items": items})


routes = [
    Route("/api/v1/chats", create_chat, methods=["POST"]),
    Route("/api/v1/service/status", service_status, methods=["GET"]),
    Route("/api/v1/queues", public_queues, methods=["GET"]),
]
