"""Alembic driven from code: `neuvo db upgrade` and the tests call these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from server.store.db import _ensure_parent_dir

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(async_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url.replace("%", "%%"))
    return config


def upgrade(async_url: str, revision: str = "head") -> None:
    if async_url.startswith("sqlite"):
        _ensure_parent_dir(async_url.split("///", 1)[-1])
    command.upgrade(alembic_config(async_url), revision)


def downgrade(async_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(async_url), revision)
