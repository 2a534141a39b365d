"""The content editor's county facts, language parity and preview chat API
(/api/v1/editor/..., roles editor and admin; CSRF header on every change, the preview
included). Thin: parse, call one content service; refusals are mapped by the app."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.protocol.checks import SafeStr, safe_param
from server.services.content import facts, parity, preview
from server.vocabulary import Lang
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_model

EDITOR = "editor"
Revision = Annotated[int, Field(ge=0, le=2**31 - 1)]
FactKey = Annotated[str, Field(min_length=1, max_length=64)]
FactValue = Annotated[str, Field(max_length=2000)]  # the service gives each key its limit


class FactsBody(StrictBody):
    values: Annotated[dict[FactKey, FactValue | None], Field(max_length=50)]
    revision: Revision


class CheckedBody(StrictBody):
    revision: Annotated[int, Field(ge=1, le=2**31 - 1)]


class PreviewBody(StrictBody):
    text: Annotated[SafeStr, Field(min_length=1, max_length=preview.MAX_TEXT)] | None = None
    lang: Lang
    municipality: Annotated[SafeStr, Field(max_length=preview.MAX_MUNICIPALITY)] | None = None
    in_service_hours: bool = True
    staff_on_duty: bool = True
    fallback_streak: Annotated[int, Field(ge=0, le=preview.MAX_STREAK)] = 0


async def get_facts(request: Request) -> Response:
    await require(request, EDITOR)
    return JSONResponse(await facts.get_facts(service_context(request)))


async def put_facts(request: Request) -> Response:
    staff = await require(request, EDITOR)
    body = await read_model(request, FactsBody)
    return JSONResponse(await facts.save_facts(service_context(request), staff.id,
                                               staff.username, body.values, body.revision))


async def get_parity(request: Request) -> Response:
    await require(request, EDITOR)
    return JSONResponse(await parity.parity(service_context(request)))


async def mark_checked(request: Request) -> Response:
    staff = await require(request, EDITOR)
    body = await read_model(request, CheckedBody)
    intent = safe_param(request.path_params["intent"], "intent") or ""
    lang = safe_param(request.path_params["lang"], "lang", 2) or ""
    return JSONResponse(await parity.mark_checked(service_context(request), staff.username,
                                                  intent, lang, body.revision))


async def run_preview(request: Request) -> Response:
    await require(request, EDITOR)
    body = await read_model(request, PreviewBody)
    return JSONResponse(await preview.preview(service_context(request), preview.PreviewRequest(
        text=body.text, lang=body.lang, municipality=body.municipality,
        in_service_hours=body.in_service_hours, staff_on_duty=body.staff_on_duty,
        fallback_streak=body.fallback_streak)))


P = "/api/v1/editor"
routes = [
    Route(f"{P}/facts", get_facts, methods=["GET"]),
    Route(f"{P}/facts", put_facts, methods=["PUT"]),
    Route(f"{P}/parity", get_parity, methods=["GET"]),
    Route(P + "/parity/{intent}/{lang}/checked", mark_checked, methods=["POST"]),
    Route(f"{P}/preview", run_preview, methods=["POST"]),
]
