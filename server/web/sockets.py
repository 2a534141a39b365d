"""The socket endpoints: check the handshake (origin, session, role), accept, and hand the
socket to its connection class. A refused handshake is answered before accept (HTTP 403)."""

from __future__ import annotations

import logging

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from server.services import accounts
from server.services.errors import Unauthorized
from server.web.auth import COOKIE
from server.web.runtime import runtime, service_context
from server.web.security import origin_allowed
from server.web.ws_resident import ResidentConnection
from server.web.ws_staff import StaffConnection

log = logging.getLogger(__name__)


async def staff_socket(ws: WebSocket) -> None:
    ctx = service_context(ws)
    if not origin_allowed(ws, ctx.settings, staff=True):
        log.info("staff socket refused: origin not allowed")
        await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
        return
    token = ws.cookies.get(COOKIE)
    try:
        staff, _ = await accounts.session_staff(ctx, token)
    except Unauthorized:
        log.info("staff socket refused: no valid session")
        await ws.close(code=4401)
        return
    if not accounts.has_role(staff, *accounts.CHAT_ROLES):
        log.info("staff socket refused: roles %s cannot chat", staff.roles)
        await ws.close(code=4403)
        return
    await ws.accept()
    assert token is not None
    await StaffConnection(ws, ctx, runtime(ws).hub, staff, token).run()


async def resident_socket(ws: WebSocket) -> None:
    ctx = service_context(ws)
    if "origin" in ws.headers and not origin_allowed(ws, ctx.settings):
        log.info("resident socket refused: origin not allowed")
        await ws.close(code=1008)
        return
    await ws.accept()
    await ResidentConnection(ws, ctx, runtime(ws).hub, runtime(ws).tasks).run()


routes = [
    WebSocketRoute("/ws/v1/staff", staff_socket),
    WebSocketRoute("/ws/v1/resident", resident_socket),
]
