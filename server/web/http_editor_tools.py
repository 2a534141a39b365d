"""The content editor's preview chat, county facts and language parity API."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
