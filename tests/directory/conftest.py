"""Service directory tests: in-process services over SQLite and PostgreSQL (the fixtures of
tests/services), servers on both backends, and the console page in Chromium."""

from __future__ import annotations

from tests.services.conftest import database_url, svc

__all__ = ["database_url", "svc"]
