"""Staff accounts for supervisors and admins (docs/staff-api.md): list with status and load,
create, change (roles, capacity, languages, active), reset a password."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.protocol.checks import SafeStr, Username
from server.services import accounts, staff_admin
from server.vocabulary import Lang, Role
from server.web.auth import require
from server.web.http_staff import account_json
from server.web.runtime import service_context
from server.web.security import StrictBody, read_model

SUPERVISOR = "supervisor"
LangCode = Lang


def _finnish() -> list[LangCode]:
    return ["fi"]


class NewStaff(StrictBody):
    username: Username
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    roles: Annotated[list[Role], Field(min_length=1, max_length=4)]
    capacity: Annotated[int, Field(ge=1, le=50)] = 3
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=3)] = Field(
        default_factory=_finnish)


class StaffChange(StrictBody):
    display_name: Annotated[SafeStr, Field(min_length=1, max_length=100)] | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=4)] | None = None
    capacity: Annotated[int, Field(ge=1, le=50)] | None = None
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=3)] | None = None
    active: bool | None = None


class NewPassword(StrictBody):
    password: Annotated[str, Field(min_length=1, max_length=1024)]


def _row_json(row: staff_admin.AccountRow) -> dict[str, object]:
    return {**account_json(row.staff), "active": row.staff.active, "status": row.status,
            "active_chats": row.active_chats}


async def staff_list(request: Request) -> Response:
    await require(request, SUPERVISOR)
    rows = await staff_admin.list_accounts(service_context(request))
    return JSONResponse({"items": [_row_json(row) for row in rows]})


async def staff_create(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, NewStaff)
    row = await staff_admin.create_account(
        service_context(request), actor, body.username, body.password, list(body.roles),
        body.display_name, body.capacity, list(body.languages))
    return JSONResponse(_row_json(row), status_code=201)


async def staff_update(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, StaffChange)
    row = await staff_admin.change_account(
        service_context(request), actor, request.path_params["username"],
        display_name=body.display_name,
        roles=list(body.roles) if body.roles is not None else None, capacity=body.capacity,
        languages=list(body.languages) if body.languages is not None else None,
        active=body.active)
    return JSONResponse(_row_json(row))


async def staff_password(request: Request) -> Response:
    actor = await require(request, SUPERVISOR)
    body = await read_model(request, NewPassword)
    await accounts.reset_password(service_context(request), actor, request.path_params["username"],
                                  body.password)
    return JSONResponse({"ok": True})


_S = "/api/v1/supervisor"
routes = [
    Route(f"{_S}/staff", staff_list, methods=["GET"]),
    Route(f"{_S}/staff", staff_create, methods=["POST"]),
    Route(f"{_S}/staff/{{username}}", staff_update, methods=["PATCH"]),
    Route(f"{_S}/staff/{{username}}/password", staff_password, methods=["POST"]),
]
