"""Statistics API (docs/statistics-api.md): JSON, CSV exports, click-through and the phone-call
upload. Role supervisor (or admin); everything else is in server/services/stats."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from server.services.errors import InvalidInput, TooLarge
from server.services.stats import phone, service
from server.web.auth import require
from server.web.runtime import service_context

SUPERVISOR = "supervisor"
CSV = "text/csv; charset=utf-8"



def _params(request: Request) -> dict[str, str]:
    params = request.query_params
    repeated = [k for k in params if len(params.getlist(k)) > 1]
    if repeated:
        raise InvalidInput(f"{repeated[0]}: give it once")
    return dict(params)


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


async def stats_json(request: Request) -> Response:
    await require(request, SUPERVISOR)
    part = request.path_params.get("part")
    return JSONResponse(await service.report(service_context(request), _params(request), part))


async def definitions(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(service.definitions())


async def table_csv(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    name, text = await service.export_table(service_context(request), staff, request.path_params["table"],
                                            _params(request))
    return Response(text.encode("utf-8"), media_type=CSV, headers=_attachment(name))


async def conversations_csv(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    name, body = await service.export_conversations(service_context(request), staff, _params(request))
    return StreamingResponse((piece.encode("utf-8") async for piece in body), media_type=CSV,
                             headers=_attachment(name))


async def cell(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await service.cell(service_context(request), _params(request)))


async def conversation(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    return JSONResponse(await service.conversation(service_context(request), staff,
                                                   request.path_params["chat_id"]))


async def calls_get(request: Request) -> Response:
    await require(request, SUPERVISOR)
    return JSONResponse(await service.calls(service_context(request), _params(request)))


async def calls_post(request: Request) -> Response:
    staff = await require(request, SUPERVISOR)
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind not in ("text/csv", "text/plain"):
        raise InvalidInput("send the file as text/csv")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > phone.MAX_BYTES:
            raise TooLarge(f"the file is larger than {phone.MAX_BYTES // 1024} KiB")
    return JSONResponse(await service.upload_calls(service_context(request), staff, body))


_S = "/api/v1/stats"
routes = [
    Route(f"{_S}/definitions", definitions, methods=["GET"]),
    Route(f"{_S}/conversations.csv", conversations_csv, methods=["GET"]),
    Route(f"{_S}/conversations", cell, methods=["GET"]),
    Route(f"{_S}/conversations/{{chat_id}}", conversation, methods=["GET"]),
    Route(f"{_S}/phone-calls", calls_get, methods=["GET"]),
    Route(f"{_S}/phone-calls", calls_post, methods=["POST"]),
    Route(f"{_S}/{{table}}.csv", table_csv, methods=["GET"]),
    Route(_S, stats_json, methods=["GET"]),
    Route(f"{_S}/{{part}}", stats_json, methods=["GET"]),
]
