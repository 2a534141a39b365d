"""Service queues over HTTP: the widget's public list is in http_resident; here supervisors
and admins manage the queues and their members (/api/v1/supervisor/queues...). Thin: parse,
call one service, map errors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.protocol.checks import QueueId, Username
from server.services import queues
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_model

SUPERVISOR = "supervisor"
MAX_BODY = 64 * 1024
Texts = dict[str, Any]


class QueueFields(StrictBody):
    names: Texts | None = None
    descriptions: Texts | None = None
    announcement: Texts | None = None
    hours: dict[str, Any] | None = None
    topics: Annotated[list[str], Field(max_length=queues.MAX_TOPICS)] | None = None
    crisis: bool | None = None
    public: bool | None = None
    position: Annotated[int, Field(ge=0, le=1000)] | None = None


class NewQueue(QueueFields):
    id: QueueId


class QueueUpdate(QueueFields):
    revision: Annotated[int, Field(ge=1)]


class Members(StrictBody):
    members: Annotated[list[Username], Field(max_length=1000)]


def _given(body: StrictBody) -> dict[str, Any]:
    """The fields the client sent (null kept: it clears hours or the announcement)."""
    return body.model_dump(exclude_unset=True)


async def list_queues(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await queues.admin_list(service_context(request)))


async def create_queue(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    body = await read_model(request, NewQueue, MAX_BODY)
    return JSONResponse(await queues.create(service_context(request), staff.id, _given(body)),
                        status_code=201)


async def update_queue(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    body = await read_model(request, QueueUpdate, MAX_BODY)
    return JSONResponse(await queues.update_queue(service_context(request), staff.id,
                                                  request.path_params["queue_id"], _given(body)))


async def put_members(request: Request) -> Response:
    await require(request, SUPERVISOR)
    body = await read_model(request, Members, MAX_BODY)
    return JSONResponse(await queues.set_members(service_context(request),
                                                 request.path_params["queue_id"], body.members))


async def delete_queue(request: Request) -> Response:
    await require(request, SUPERVISOR)
    await queues.remove(service_context(request), request.path_params["queue_id"])
    return JSONResponse({"ok": True})


_Q = "/api/v1/supervisor/queues"
routes = [
    Route(_Q, list_queues, methods=["GET"]),
    Route(_Q, create_queue, methods=["POST"]),
    Route(_Q + "/{queue_id}", update_queue, methods=["PUT"]),
    Route(_Q + "/{queue_id}", delete_queue, methods=["DELETE"]),
    Route(_Q + "/{queue_id}/members", put_members, methods=["PUT"]),
]
