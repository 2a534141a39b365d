"""Structured (JSON) logs. Never log IP addresses, tokens or message texts."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
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
