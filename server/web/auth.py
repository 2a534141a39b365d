"""Staff sessions for the HTTP API: the cookie, the CSRF header and the role check."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from server.services import accounts
from server.services.errors import Forbidden
from server.store.models import Staff, StaffSession
from server.web.runtime import service_context

COOKIE = "neuvo_session"


async def current_session(request: Request, *, csrf: bool) -> tuple[Staff, StaffSession]:
    staff, session = await accounts.session_staff(service_context(request),
                                                  request.cookies.get(COOKIE))
    if csrf:
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise Forbidden("missing or wrong X-CSRF-Token header")
    return staff, session


async def require(request: Request, *roles: str) -> Staff:
    """The logged-in account, with the CSRF header for state-changing methods and one of
    `roles` (admin has every role)."""
    staff, _ = await current_session(request, csrf=request.method not in ("GET", "HEAD"))
    if roles and not accounts.has_role(staff, *roles):
        raise Forbidden("your account does not have the role for this")
    return staff
