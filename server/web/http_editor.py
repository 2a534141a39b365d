"""The content editor's HTTP API (/api/v1/editor/..., roles editor and admin; CSRF header
on every change, as the console API). Thin: parse, call one content service, map errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.protocol.checks import SafeStr
from server.services.content import (
    intents,
    live,
    publish,
    report,
    safety_mark,
    search,
    store,
    transfer,
)
from server.services.errors import InvalidInput
from server.vocabulary import Lang
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_bytes, read_model

EDITOR = "editor"
MAX_EDIT_BODY = 256 * 1024
IntentName = Annotated[SafeStr, Field(min_length=1, max_length=64)]
ExampleText = Annotated[SafeStr, Field(min_length=1, max_length=transfer.MAX_EXAMPLE_CHARS,
                                       pattern=r"^[^\n\r]*$")]
Note = Annotated[SafeStr, Field(max_length=publish.MAX_NOTE)]


class ButtonBody(StrictBody):
    title: Annotated[SafeStr, Field(min_length=1, max_length=60, pattern=r"^[^\n\r]*$")]
    payload: Annotated[str, Field(pattern=r"^/[a-z][a-z0-9_]{0,63}$")]


class VariantBody(StrictBody):
    text: Annotated[SafeStr, Field(min_length=1, max_length=transfer.MAX_RESPONSE_CHARS)]
    buttons: Annotated[list[ButtonBody], Field(max_length=6)] = Field(default_factory=list)


class IntentUpdate(StrictBody):
    revision: Annotated[int, Field(ge=1)]
    examples: dict[Lang, Annotated[list[ExampleText],
                                   Field(max_length=transfer.MAX_EXAMPLES)]] | None = None
    responses: dict[Lang, Annotated[list[VariantBody], Field(max_length=5)]] | None = None


class NewIntent(StrictBody):
    name: IntentName


class Rename(StrictBody):
    revision: Annotated[int, Field(ge=1)]
    name: IntentName


class SafetyBody(StrictBody):
    revision: Annotated[int, Field(ge=1)]
    safety: bool


class PublishBody(StrictBody):
    note: Note = ""
    confirm: bool = False


class CheckBody(StrictBody):
    lang: Lang
    text: Annotated[SafeStr, Field(max_length=transfer.MAX_RESPONSE_CHARS)]



async def _editor(request: Request) -> str:
    return (await require(request, EDITOR)).username


def _int(value: str, what: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput(f"{what} must be a positive whole number")
    return int(value)


async def _or_conflict(call: Awaitable[dict[str, Any] | None]) -> Response:
    """The intent view (or {"ok": true}); a conflict is 409 with the other editor's version
    (`current`, from IntentConflict.details)."""
    result = await call
    return JSONResponse(result if result is not None else {"ok": True})


async def list_intents(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await intents.list_intents(service_context(request)))


async def create_intent(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, NewIntent)
    return JSONResponse(await intents.create_intent(service_context(request), staff, body.name),
                        status_code=201)


async def get_intent(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await intents.get_intent(service_context(request), request.path_params["name"]))


async def update_intent(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, IntentUpdate, MAX_EDIT_BODY)
    examples: dict[str, list[str]] | None = None if body.examples is None else {
        str(lang): texts for lang, texts in body.examples.items()}
    responses: dict[str, list[dict[str, Any]]] | None = None if body.responses is None else {
        lang: [v.model_dump() for v in variants] for lang, variants in body.responses.items()}
    return await _or_conflict(intents.save_intent(
        service_context(request), staff, request.path_params["name"], body.revision, examples, responses))


async def rename_intent(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, Rename)
    return await _or_conflict(intents.rename_intent(
        service_context(request), staff, request.path_params["name"], body.revision, body.name))


async def delete_intent(request: Request) -> Response:
    staff = await _editor(request)
    revision = _int(request.query_params.get("revision", ""), "revision")
    return await _or_conflict(intents.delete_intent(
        service_context(request), staff, request.path_params["name"], revision))


async def history(request: Request) -> Response:
    await _editor(request)
    intent = request.query_params.get("intent") or None
    if intent is not None and intent != "*":
        intents.check_name(intent)
    changes = await store.changes_for(service_context(request), intent)
    return JSONResponse({"items": [store.change_json(c) for c in changes]})


async def validation(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await report.report(service_context(request)))


async def publish_draft(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, PublishBody)
    result = await publish.publish(service_context(request), staff, body.note, body.confirm)
    return JSONResponse(result, status_code=201)  # refused: 422 with its `report`


async def versions(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await publish.versions(service_context(request)))


async def rollback(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, PublishBody)
    version = _int(request.path_params["version"], "version")
    return JSONResponse(await publish.rollback(service_context(request), staff, version, body.note),
                        status_code=201)


async def version_to_draft(request: Request) -> Response:
    staff = await _editor(request)
    await publish.load_into_draft(service_context(request), staff,
                                  _int(request.path_params["version"], "version"))
    return JSONResponse({"ok": True})


async def export(request: Request) -> Response:
    await _editor(request)
    version = _int(request.path_params["version"], "version")
    data = await transfer.export_zip_of(service_context(request), version)
    return Response(data, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="neuvo-bot-v{version}.zip"'})


async def import_zip(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_bytes(request, ("application/zip",), transfer.MAX_ZIP_BYTES)
    return JSONResponse(await transfer.import_zip(service_context(request), staff, body))


async def mark_safety(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, SafetyBody)
    return await _or_conflict(safety_mark.set_safety(
        service_context(request), staff, request.path_params["name"], body.revision, body.safety))


async def search_intents(request: Request) -> Response:
    await _editor(request)
    query = request.query_params.get("q", "")
    return JSONResponse(await search.search(service_context(request), query))


async def live_version(request: Request) -> Response:
    await _editor(request)
    ctx = service_context(request)
    return JSONResponse({"published": await store.latest_version(ctx),
                         "live_here": live.live_version(ctx)})


async def plain_check(request: Request) -> Response:
    await _editor(request)
    body = await read_model(request, CheckBody)
    return JSONResponse(report.plain_language(body.text, body.lang))


P = "/api/v1/editor"
routes = [
    Route(f"{P}/intents", list_intents, methods=["GET"]),
    Route(f"{P}/intents", create_intent, methods=["POST"]),
    Route(P + "/intents/{name}", get_intent, methods=["GET"]),
    Route(P + "/intents/{name}", update_intent, methods=["PUT"]),
    Route(P + "/intents/{name}", delete_intent, methods=["DELETE"]),
    Route(P + "/intents/{name}/rename", rename_intent, methods=["POST"]),
    Route(P + "/intents/{name}/safety", mark_safety, methods=["POST"]),
    Route(f"{P}/history", history, methods=["GET"]),
    Route(f"{P}/report", validation, methods=["GET"]),
    Route(f"{P}/publish", publish_draft, methods=["POST"]),
    Route(f"{P}/versions", versions, methods=["GET"]),
    Route(P + "/versions/{version}/rollback", rollback, methods=["POST"]),
    Route(P + "/versions/{version}/draft", version_to_draft, methods=["POST"]),
    Route(P + "/versions/{version}/export.zip", export, methods=["GET"]),
    Route(f"{P}/import", import_zip, methods=["POST"]),
    Route(f"{P}/live", live_version, methods=["GET"]),
    Route(f"{P}/search", search_intents, methods=["GET"]),
    Route(f"{P}/plain-language", plain_check, methods=["POST"]),
]
