"""Request ids for the logs: pure ASGI middleware for HTTP requests.

The proxy's `X-Request-ID` (nginx's `$request_id`) is used when it is a plain token, so one
id follows a request through the proxy's and the server's logs; otherwise a new id is made.
The response carries it back in `X-Request-ID`, so a user reporting a problem can quote it.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.logs import bind, new_id

HEADER = b"x-request-id"
VALID = re.compile(rb"[A-Za-z0-9._:-]{8,64}")


def request_id(scope: Scope) -> str:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == HEADER and VALID.fullmatch(value):
            return value.decode("ascii")
    return new_id()


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        # Each request and each socket runs in its own task, so the id stays with it, also
        # in an error that uvicorn logs after the app has returned.
        bind(request=rid)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message["headers"] = [*headers, (HEADER, rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
