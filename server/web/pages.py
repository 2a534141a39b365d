"""The demo county page at / (the resident widget and a link to the staff console)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

DEMO = Path(__file__).resolve().parent.parent / "console" / "demo.html"


async def demo_page(request: Request) -> Response:
    return FileResponse(DEMO, media_type="text/html; charset=utf-8")
