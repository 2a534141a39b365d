"""The content editor's train-and-evaluate and approval API."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
