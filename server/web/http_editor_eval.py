"""The content editor's train-and-evaluate, test set and second-approval API
(/api/v1/editor/..., roles editor and admin; CSRF on every change). Thin: parse, call one
content service, map errors."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.services.content import evaluation, gate, testset
from server.services.errors import InvalidInput
from server.web.auth import require
from server.web.runtime import service_context
from server.web.security import StrictBody, read_bytes, read_model

EDITOR = "editor"
P = "/api/v1/editor"
TESTSET_TYPES = ("text/tab-separated-values", "text/plain")


class ApprovalBody(StrictBody):
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{8,64}$")]


async def _editor(request: Request) -> str:
    return (await require(request, EDITOR)).username


async def start_evaluation(request: Request) -> Response:
    staff = await _editor(request)
    return JSONResponse(await evaluation.start(service_context(request), staff), status_code=202)


async def latest_evaluation(request: Request) -> Response:
    await _editor(request)
    return JSONResponse({"evaluation": await evaluation.latest(service_context(request))})


async def get_evaluation(request: Request) -> Response:
    await _editor(request)
    value = request.path_params["id"]
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("the evaluation id must be a positive whole number")
    return JSONResponse(await evaluation.get(service_context(request), int(value)))


async def accuracy(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await evaluation.accuracy_by_intent(service_context(request)))


async def get_testset(request: Request) -> Response:
    await _editor(request)
    return JSONResponse({"testset": await testset.summary(service_context(request))})


async def put_testset(request: Request) -> Response:
    staff = await _editor(request)
    raw = await read_bytes(request, TESTSET_TYPES, testset.MAX_BYTES)
    return JSONResponse({"testset": await testset.save(service_context(request), staff, raw)})


async def delete_testset(request: Request) -> Response:
    await _editor(request)
    await testset.remove(service_context(request))
    return JSONResponse({"testset": None})


async def approval(request: Request) -> Response:
    await _editor(request)
    return JSONResponse(await gate.status(service_context(request)))


async def approve(request: Request) -> Response:
    staff = await _editor(request)
    body = await read_model(request, ApprovalBody)
    return JSONResponse(await gate.approve(service_context(request), staff, body.digest))


routes = [
    Route(f"{P}/evaluations", start_evaluation, methods=["POST"]),
    Route(f"{P}/evaluations/latest", latest_evaluation, methods=["GET"]),
    Route(P + "/evaluations/{id}", get_evaluation, methods=["GET"]),
    Route(f"{P}/accuracy", accuracy, methods=["GET"]),
    Route(f"{P}/testset", get_testset, methods=["GET"]),
    Route(f"{P}/testset", put_testset, methods=["PUT"]),
    Route(f"{P}/testset", delete_testset, methods=["DELETE"]),
    Route(f"{P}/approval", approval, methods=["GET"]),
    Route(f"{P}/approval", approve, methods=["POST"]),
]
