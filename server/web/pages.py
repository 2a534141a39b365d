"""HTML pages: the demo county page at /, and the staff console pages under /console/.

The console's assets (JS, CSS) are served by the static mount; the pages themselves go
through these routes so that role-restricted pages are checked on the server: a visitor
who is not logged in is sent to the login page, an account without the role gets 403.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from server.services import accounts
from server.services.context import ServiceContext
from server.services.errors import Unauthorized
from server.vocabulary import LANGS
from server.web.auth import COOKIE
from server.web.runtime import service_context

CONSOLE = Path(__file__).resolve().parent.parent / "console"
DEMO = CONSOLE / "demo.html"
HTML = "text/html; charset=utf-8"

# Why the page is refused, in the three UI languages (shown together: we do not know the
# visitor's chosen language on the server).
_FORBIDDEN = {
    "supervisor": {
        "fi": "Tämä sivu on vain esihenkilöille ja pääkäyttäjille.",
        "sv": "Den här sidan är endast för förmän och administratörer.",
        "en": "This page is only for supervisors and administrators.",
    },
    "editor": {
        "fi": "Tämä sivu on vain sisällön muokkaajille ja pääkäyttäjille.",
        "sv": "Den här sidan är endast för innehållsredaktörer och administratörer.",
        "en": "This page is only for content editors and administrators.",
    },
    "directory": {
        "fi": "Tämä sivu on vain sisällön muokkaajille, esihenkilöille ja pääkäyttäjille.",
        "sv": "Den här sidan är endast för innehållsredaktörer, förmän och administratörer.",
        "en": "This page is only for content editors, supervisors and administrators.",
    },
    "admin": {
        "fi": "Tämä sivu on vain pääkäyttäjille.",
        "sv": "Den här sidan är endast för administratörer.",
        "en": "This page is only for administrators.",
    },
}
_BACK = {"fi": "Takaisin konsoliin", "sv": "Tillbaka till konsolen", "en": "Back to the console"}
_TITLE = {"fi": "Ei käyttöoikeutta", "sv": "Ingen behörighet", "en": "No access"}


async def demo_page(request: Request) -> Response:
    return FileResponse(DEMO, media_type=HTML)


async def console_page(request: Request) -> Response:
    """Login and the console (the page itself decides which to show from /me)."""
    return FileResponse(CONSOLE / "index.html", media_type=HTML)


def _forbidden_page(kind: str) -> HTMLResponse:
    parts = []
    for lang in LANGS:
        parts.append(
            f'<section lang="{lang}"><h2>{html.escape(_TITLE[lang])}</h2>'
            f"<p>{html.escape(_FORBIDDEN[kind][lang])}</p>"
            f'<p><a href="/console/">{html.escape(_BACK[lang])}</a></p></section>')
    body = ('<!doctype html><html lang="fi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Neuvo – ei käyttöoikeutta / ingen behörighet / no access</title>"
            '<link rel="stylesheet" href="/console/console.css"></head>'
            '<body class="page-forbidden"><main class="forbidden">'
            "<h1>Neuvo</h1>" + "".join(parts) + "</main></body></html>")
    return HTMLResponse(body, status_code=403)


async def _role_page(request: Request, file: str, kind: str, *roles: str) -> Response:
    ctx: ServiceContext = service_context(request)
    try:
        staff, _ = await accounts.session_staff(ctx, request.cookies.get(COOKIE))
    except Unauthorized:
        return RedirectResponse("/console/", status_code=303)
    if not accounts.has_role(staff, *roles):
        return _forbidden_page(kind)
    response = FileResponse(CONSOLE / file, media_type=HTML)
    response.headers["cache-control"] = "no-store"
    return response


async def supervisor_page(request: Request) -> Response:
    return await _role_page(request, "supervisor.html", "supervisor", "supervisor")


async def statistics_page(request: Request) -> Response:
    return await _role_page(request, "statistics.html", "supervisor", "supervisor")


async def digest_page(request: Request) -> Response:
    return await _role_page(request, "digest.html", "supervisor", "supervisor")


async def audit_page(request: Request) -> Response:
    return await _role_page(request, "audit.html", "admin", "admin")


async def editor_page(request: Request) -> Response:
    return await _role_page(request, "editor.html", "editor", "editor")


async def directory_page(request: Request) -> Response:
    return await _role_page(request, "directory.html", "directory", "editor", "supervisor")


# Before the static mount: the role pages are also refused under their file names.
routes = [
    Route("/", demo_page, methods=["GET"]),
    Route("/console/", console_page, methods=["GET"]),
    Route("/console/supervisor", supervisor_page, methods=["GET"]),
    Route("/console/supervisor.html", supervisor_page, methods=["GET"]),
    Route("/console/statistics", statistics_page, methods=["GET"]),
    Route("/console/statistics.html", statistics_page, methods=["GET"]),
    Route("/console/statistics/digest", digest_page, methods=["GET"]),
    Route("/console/digest.html", digest_page, methods=["GET"]),
    Route("/console/audit", audit_page, methods=["GET"]),
    Route("/console/audit.html", audit_page, methods=["GET"]),
    Route("/console/editor", editor_page, methods=["GET"]),
    Route("/console/editor.html", editor_page, methods=["GET"]),
    Route("/console/directory", directory_page, methods=["GET"]),
    Route("/console/directory.html", directory_page, methods=["GET"]),
]
