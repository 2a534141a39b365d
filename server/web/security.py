"""Origin checks, request bodies, security headers, and client addresses (never stored)."""

from __future__ import annotations

import logging
from typing import TypeVar
from urllib.parse import unquote_plus, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.exceptions import MaxConnectionsError
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.config import Settings
from server.metrics import HTTP_ERRORS
from server.protocol.checks import clean_text, parse_json
from server.services.errors import InvalidInput, ServiceError, Unavailable
from server.store.db import database_unreachable

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024
Model = TypeVar("Model", bound=BaseModel)

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
# The widget's chat frame is embedded by county pages on other origins.
WIDGET_FRAME_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                    "img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; "
                    "base-uri 'none'; form-action 'none'; frame-ancestors *")


class StrictBody(BaseModel):
    """A JSON request body: unknown fields and loosely typed values are refused (422)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def csp_for(settings: Settings) -> tuple[str, str]:
    """(page CSP, widget frame CSP). With NEUVO_PUBLIC_URL the sockets may connect only to
    it; with NEUVO_FRAME_ANCESTORS only those sites may embed the chat frame. Unset, the
    defaults above (any ws:/wss: host, any embedding site)."""
    page, frame = PAGE_CSP, WIDGET_FRAME_CSP
    if settings.public_url:
        public = urlsplit(settings.public_url)
        scheme = "wss" if public.scheme == "https" else "ws"
        connect = f"connect-src 'self' {scheme}://{public.netloc}"
        page = page.replace("connect-src 'self' ws: wss:", connect)
        frame = frame.replace("connect-src 'self' ws: wss:", connect)
    if settings.frame_ancestors:
        frame = frame.replace("frame-ancestors *",
                              "frame-ancestors 'self' " + " ".join(settings.frame_ancestors))
    return page, frame


def origin_allowed(conn: HTTPConnection, settings: Settings, *, staff: bool = False) -> bool:
    """The server's own origin (scheme and host: an http page may not talk to an https
    server), or one on the allow-list: the widget's (`NEUVO_ALLOWED_ORIGINS`) for residents,
    the staff list (`NEUVO_STAFF_ORIGINS`) for the staff login and socket."""
    origin = conn.headers.get("origin")
    if origin is None:
        return False
    origin = origin.rstrip("/")
    if origin in (settings.staff_origins if staff else settings.allowed_origins):
        return True
    return origin == own_origin(conn, settings)


def own_origin(conn: HTTPConnection, settings: Settings) -> str | None:
    """`NEUVO_PUBLIC_URL`'s origin when configured (behind the proxy), else the scheme and
    Host this request came with."""
    if settings.public_url:
        public = urlsplit(settings.public_url)
        return f"{public.scheme}://{public.netloc}"
    host = conn.headers.get("host")
    if not host:
        return None
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    return f"{scheme}://{host}"


def client_address(conn: HTTPConnection) -> str:
    """The peer address for rate-limit keys only (uvicorn applies trusted proxy headers)."""
    return conn.client.host if conn.client else "unknown"


def error_response(exc: ServiceError) -> JSONResponse:
    HTTP_ERRORS.labels(exc.code).inc()
    return JSONResponse({"error": exc.code, "message": exc.message, **exc.details()},
                        status_code=exc.http_status)


async def service_error(request: HTTPConnection, exc: Exception) -> JSONResponse:
    """Starlette exception handler: a service's refusal is the client's error (4xx, or 503
    `unavailable`), answered with the JSON body and never logged as a server fault."""
    assert isinstance(exc, ServiceError)
    return error_response(exc)


async def read_bytes(request: Request, content_types: tuple[str, ...], max_bytes: int) -> bytes:
    """The raw body, refused (without reading on) once it passes `max_bytes`, or when its
    content type is not one of `content_types`."""
    from server.services.errors import TooLarge

    if request.headers.get("content-type", "").split(";")[0].strip() not in content_types:
        raise InvalidInput("send the body as " + " or ".join(content_types))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"request body is larger than {max_bytes // 1024} KiB")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_model(request: Request, model: type[Model],
                     max_bytes: int = MAX_BODY_BYTES) -> Model:
    body = await read_bytes(request, ("application/json",), max_bytes)
    data = parse_json(body or b"null", "body")
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from None


def outage(exc: BaseException) -> bool:
    """The database is unreachable, or every Redis connection stayed busy for the whole
    wait: the server cannot serve this now (503 / `unavailable`, a warning), it is not a bug."""
    return database_unreachable(exc) or isinstance(exc, MaxConnectionsError)


async def database_error(request: HTTPConnection, exc: Exception) -> JSONResponse:
    """Starlette exception handler for database (and other connection) errors that reach
    no service mapping: an unreachable database is 503 `unavailable` (a warning, without
    parameters); anything else is a logged server fault, 500."""
    method = request.scope.get("method", "WEBSOCKET")
    if outage(exc):
        log.warning("database unreachable or redis busy on %s %s (%s)", method, request.url.path,
                    type(exc).__name__)
        return error_response(Unavailable("the service is temporarily unavailable; try again"))
    log.error("database error on %s %s", method, request.url.path, exc_info=exc)
    return JSONResponse({"error": "unavailable", "message": "something went wrong; try again"},
                        status_code=500)


class RefuseControlCharacters:
    """Pure ASGI middleware: a path or query string with control characters (e.g. %00) gets
    422 before any handler can put it into a database query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
            if not clean_text(scope["path"]) or not clean_text(query):
                response = error_response(InvalidInput(
                    "control characters are not allowed in the path or query"))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Pure ASGI middleware (does not touch WebSocket scopes)."""

    def __init__(self, app: ASGIApp, *, secure: bool, settings: Settings | None = None) -> None:
        self.app, self.secure = app, secure
        self.page_csp, self.frame_csp = csp_for(settings) if settings else (PAGE_CSP,
                                                                            WIDGET_FRAME_CSP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        framed = path.startswith("/widget/") and path.endswith(".html")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"content-security-policy": (self.frame_csp if framed else self.page_csp).encode(),
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if not framed:
                    extra[b"x-frame-options"] = b"DENY"
                if self.secure:
                    extra[b"strict-transport-security"] = b"max-age=31536000"
                if path.startswith(("/api/", "/ws/")):
                    extra[b"cache-control"] = b"no-store"
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
