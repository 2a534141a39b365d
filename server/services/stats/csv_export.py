"""CSV: UTF-8 with a BOM (Excel in Finnish opens it), comma-separated, or `;`-separated with
decimal commas (`sep=semicolon`, what Finnish Excel expects)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

BOM = "\ufeff"


def _cell(value: Any, semicolon: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = str(value)
        return text.replace(".", ",") if semicolon else text
    return str(value)


def lines(header: list[str], rows: Iterable[list[Any]], *, semicolon: bool) -> Iterator[str]:
    """The CSV text in pieces (for streaming), the BOM first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(v, semicolon) for v in row])
        yield buffer.getvalue()


def render(header: list[str], rows: Iterable[list[Any]], *, semicolon: bool) -> str:
    return "".join(lines(header, rows, semicolon=semicolon))


async def stream(header: list[str], rows: AsyncIterable[list[Any]], *,
                 semicolon: bool) -> AsyncIterator[str]:
    """The same as `lines` for rows read from the database as they come."""
    for piece in lines(header, [], semicolon=semicolon):
        yield piece
    batch: list[list[Any]] = []
    async for row in rows:
        batch.append(row)
        if len(batch) >= 500:
            yield _rows(batch, semicolon)
            batch = []
    if batch:
        yield _rows(batch, semicolon)


def _rows(rows: list[list[Any]], semicolon: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerows([_cell(v, semicolon) for v in row] for row in rows)
    return buffer.getvalue()
