"""The content editor's unrecognised-questions inbox API (/api/v1/editor/inbox...; roles
editor and admin, CSRF header on every change). Thin: parse, call one inbox service, and
let the app's handler map ServiceErrors. The rules are in server/services/content/inbox*.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.services.content import inbox, inbox_groups
from server.web.auth import require
from server.web.http_editor import EDITOR, IntentName
from server.web.runtime import service_context
from server.web.security import StrictBody, read_model

ItemId = Annotated[int, Field(ge=1, le=2**31 - 1)]
ItemIds = Annotated[list[ItemId], Field(min_length=1, max_length=inbox.MAX_IDS)]


class AddBody(StrictBody):
    ids: ItemIds
    intent: IntentName


class NewIntentBody(StrictBody):
    id: ItemId
    name: IntentName


class DismissBody(StrictBody):
    ids: ItemIds


def _query(request: Request) -> list[tuple[str, str]]:
    return request.query_params.multi_items()  # repeated names are refused by the service


async def list_items(request: Request) -> Response:
    await require(request, EDITOR)
    return JSONResponse(await inbox.list_items(service_context(request), _query(request)))


async def groups(request: Request) -> Response:
    await require(request, EDITOR)
    return JSONResponse(await inbox_groups.groups(service_context(request), _query(request)))


async def add(request: Request) -> Response:
    staff = await require(request, EDITOR)
    body = await read_model(request, AddBody)
    return JSONResponse(await inbox.add_to_intent(service_context(request), staff.username,
                                                  body.ids, body.intent))


async def new_intent(request: Request) -> Response:
    staff = await require(request, EDITOR)
    body = await read_model(request, NewIntentBody)
    return JSONResponse(await inbox.new_intent_from(service_context(request), staff.username,
                                                    body.id, body.name), status_code=201)


async def dismiss(request: Request) -> Response:
    staff = await require(request, EDITOR)
    body = await read_model(request, DismissBody)
    return JSONResponse(await inbox.dismiss(service_context(request), staff.username, body.ids))


P = "/api/v1/editor/inbox"
routes = [
    Route(P, list_items, methods=["GET"]),
    Route(f"{P}/groups", groups, methods=["GET"]),
    Route(f"{P}/add", add, methods=["POST"]),
    Route(f"{P}/new-intent", new_intent, methods=["POST"]),
    Route(f"{P}/dismiss", dismiss, methods=["POST"]),
]
