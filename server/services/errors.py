"""Domain errors. The web layer maps each to an `error` frame code or an HTTP status."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code = "invalid_frame"
    http_status = 400

    def __init__(self, message: str, *, chat_id: str | None = None,
                 client_msg_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.chat_id = chat_id
        self.client_msg_id = client_msg_id

    def details(self) -> dict[str, Any]:
        """Fields an HTTP error body carries beside `error` and `message` (none by default)."""
        return {}


class InvalidInput(ServiceError):
    code, http_status = "invalid_frame", 422


class Unauthorized(ServiceError):
    code, http_status = "unauthorized", 401


class Forbidden(ServiceError):
    code, http_status = "forbidden", 403


class Conflict(ServiceError):
    code, http_status = "conflict", 409


class ChatClosed(ServiceError):
    code, http_status = "chat_closed", 409


class TooLarge(ServiceError):
    code, http_status = "too_large", 413


class RateLimited(ServiceError):
    code, http_status = "rate_limited", 429


class Unavailable(ServiceError):
    code, http_status = "unavailable", 503


class NotFound(ServiceError):
    code, http_status = "forbidden", 404
