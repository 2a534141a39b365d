"""Structured (JSON) logs. Never log IP addresses, tokens or message texts.

Each line carries the correlation ids of what it happened in, from a context variable:
`request` (an HTTP request: the proxy's X-Request-ID or a new one), `conn` (one WebSocket
connection) and `chat` (the chat a frame or a background task is about). Ids are random or
the chat's own id: none of them identifies a person or grants access.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType

IDS = ("request", "conn", "chat")
_CORRELATION: ContextVar[Mapping[str, str]] = ContextVar(
    "neuvo_correlation", default=MappingProxyType({}))


def new_id() -> str:
    return secrets.token_hex(8)


def bind(**ids: str | None) -> None:
    """Add ids to the current context (for the rest of this task and the tasks it starts)."""
    _CORRELATION.set({**_CORRELATION.get(), **{k: v for k, v in ids.items() if v}})


@contextmanager
def correlated(**ids: str | None) -> Iterator[None]:
    """Add ids for the duration of a block (e.g. one frame)."""
    token = _CORRELATION.set({**_CORRELATION.get(), **{k: v for k, v in ids.items() if v}})
    try:
        yield
    finally:
        _CORRELATION.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_CORRELATION.get(),
        }
        for key in IDS:  # log.info(..., extra={"chat": chat_id}) names the chat explicitly
            value = getattr(record, key, None)
            if isinstance(value, str):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class DropClientAddresses(logging.Filter):
    """uvicorn logs each WebSocket handshake with the client's address: drop those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return "WebSocket" not in message and message not in ("connection open",
                                                             "connection closed")


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(DropClientAddresses())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's access log would record client addresses: it stays off.
    logging.getLogger("uvicorn.access").disabled = True
