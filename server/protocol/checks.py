"""Edge checks shared by the sockets and the HTTP API: clean text and bounded JSON.

Text that reaches the database must not hold control characters (PostgreSQL refuses NUL
in text and the driver cannot encode lone surrogates, which JSON's \\u escapes can produce):
they are refused at the edge as `invalid_frame` / 422, never passed on to fail in a query.
Tab, line feed and carriage return stay allowed (messages have several lines).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from server.services.errors import InvalidInput

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_JSON_DEPTH = 8  # client frames and request bodies nest at most 3 levels
MAX_INT = 2**31 - 1  # seq numbers and other client integers


def clean_text(value: str) -> bool:
    return _FORBIDDEN.search(value) is None


def _clean(value: str) -> str:
    if not clean_text(value):
        raise ValueError("control characters are not allowed")
    return value


# The one string type for client text that reaches the database.
SafeStr = Annotated[str, AfterValidator(_clean)]
Username = Annotated[SafeStr, Field(min_length=1, max_length=64)]
_SAFE: TypeAdapter[str] = TypeAdapter(SafeStr)


def safe_param(value: str | None, name: str, max_length: int = 64) -> str | None:
    """A query or path parameter: clean, at most `max_length` characters, or InvalidInput."""
    if value is None:
        return None
    if len(value) > max_length:
        raise InvalidInput(f"{name} must be at most {max_length} characters")
    try:
        return _SAFE.validate_python(value)
    except ValidationError:
        raise InvalidInput(f"{name}: control characters are not allowed") from None


def check_depth(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` (iterative: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item  # type: ignore[assignment]
        else:
            continue
        if depth > limit:
            raise InvalidInput(f"JSON is nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children)


def parse_json(text: str | bytes, what: str) -> Any:
    """json.loads that turns every client mistake (bad JSON, absurd nesting) into
    InvalidInput; `what` is "frame" or "body"."""
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(f"{what} is not valid JSON (or nested too deeply)") from None
    check_depth(data)
    return data

# A service queue's id (routing, issue 13).
QueueId = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]
