"""The content editor's unrecognised-questions inbox API (/api/v1/editor/inbox...)."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
