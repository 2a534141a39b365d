"""The service directory's HTTP API (/api/v1/directory/..., roles editor, supervisor and
admin; the CSRF header on every change). Thin: parse, call one directory service, return.
The reference is docs/directory-api.md."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.service_types import vocabulary
from server.protocol.checks import safe_param
from server.services import directory, directory_csv
from server.services.directory_rules import municipalities
from server.services.errors import InvalidInput
from server.vocabulary import Lang
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_bytes, read_model

ROLES = ("editor", "supervisor")
Text = Annotated[str, Field(max_length=1000)]
CSV_TYPES = ("text/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream")


class PointBody(StrictBody):
    name: dict[Lang, Text]
    type: Annotated[str, Field(max_length=100)]
    municipality: Annotated[str, Field(max_length=100)]
    address: Text = ""
    hours: dict[Lang, Text] = Field(default_factory=dict)
    phone: Text = ""
    web: Text = ""
    languages: Annotated[list[str], Field(max_length=3)] = Field(default_factory=lambda: ["fi"])


class PointUpdate(PointBody):
    revision: Annotated[int, Field(ge=1)]


async def _staff(request: Request) -> str:
    return (await require(request, *ROLES)).username


def _revision(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("revision must be a positive whole number")
    return int(value)


def _body(model: PointBody) -> dict[str, Any]:
    return directory.flat(model.model_dump(exclude={"revision"}))


async def list_points(request: Request) -> Response:
    await _staff(request)
    params = request.query_params
    unknown = sorted(set(params) - {"municipality", "type"})
    if unknown:
        raise InvalidInput(f"unknown query parameter {unknown[0][:40]!r}")
    return JSONResponse(await directory.list_points(
        service_context(request), safe_param(params.get("municipality"), "municipality", 100),
        safe_param(params.get("type"), "type", 40)))


async def create_point(request: Request) -> Response:
    staff = await _staff(request)
    body = await read_model(request, PointBody)
    return JSONResponse(await directory.create(service_context(request), staff, _body(body)),
                        status_code=201)


async def get_point(request: Request) -> Response:
    await _staff(request)
    return JSONResponse(await directory.get_point(service_context(request),
                                                  request.path_params["id"]))


async def update_point(request: Request) -> Response:
    staff = await _staff(request)
    body = await read_model(request, PointUpdate)
    return JSONResponse(await directory.update_point(
        service_context(request), staff, request.path_params["id"], body.revision, _body(body)))


async def delete_point(request: Request) -> Response:
    staff = await _staff(request)
    await directory.delete_point(service_context(request), staff, request.path_params["id"],
                                 _revision(request.query_params.get("revision")))
    return JSONResponse({"ok": True})


async def point_history(request: Request) -> Response:
    await _staff(request)
    return JSONResponse(await directory.history(service_context(request),
                                                request.path_params["id"]))


async def history(request: Request) -> Response:
    await _staff(request)
    return JSONResponse(await directory.history(service_context(request), None))


async def import_csv(request: Request) -> Response:
    staff = await _staff(request)
    mode = request.query_params.get("mode", "merge")
    if mode not in ("merge", "replace"):
        raise InvalidInput("mode must be merge or replace")
    body = await read_bytes(request, CSV_TYPES, directory_csv.MAX_CSV_BYTES)
    return JSONResponse(await directory_csv.import_csv(
        service_context(request), staff, body, "replace" if mode == "replace" else "merge"))


async def export_csv(request: Request) -> Response:
    await _staff(request)
    sep = request.query_params.get("sep", "semicolon")
    if sep not in ("semicolon", "comma"):
        raise InvalidInput("sep must be semicolon or comma")
    text = await directory_csv.export_csv(service_context(request),
                                          ";" if sep == "semicolon" else ",")
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": 'attachment; filename="neuvo-service-directory.csv"'})


async def vocabulary_view(request: Request) -> Response:
    """The types (names in fi/sv/en) and the municipalities, for the console's choices."""
    await _staff(request)
    places = municipalities()
    names = sorted(set(places.by_key.values()))
    return JSONResponse({
        "types": [{"id": kind, "name": vocabulary().names[kind]} for kind in vocabulary().types],
        "municipalities": [{"fi": name, "sv": places.shown(name, "sv")} for name in names],
        "columns": list(directory_csv.COLUMNS),
        "limits": {"csv_bytes": directory_csv.MAX_CSV_BYTES, "csv_rows": directory_csv.MAX_ROWS,
                   "points": directory.MAX_POINTS}})


P = "/api/v1/directory"
routes = [
    Route(f"{P}/points", list_points, methods=["GET"]),
    Route(f"{P}/points", create_point, methods=["POST"]),
    Route(P + "/points/{id}", get_point, methods=["GET"]),
    Route(P + "/points/{id}", update_point, methods=["PUT"]),
    Route(P + "/points/{id}", delete_point, methods=["DELETE"]),
    Route(P + "/points/{id}/history", point_history, methods=["GET"]),
    Route(f"{P}/history", history, methods=["GET"]),
    Route(f"{P}/import", import_csv, methods=["POST"]),
    Route(f"{P}/export.csv", export_csv, methods=["GET"]),
    Route(f"{P}/vocabulary", vocabulary_view, methods=["GET"]),
]
