"""Daily phone-call counts (Etelä-Pohjanmaa compares chats with its phone guidance): a
supervisor uploads `date,calls` CSV; it is validated whole before anything is written, and
an upload replaces the counts of the days it names."""

from __future__ import annotations

import csv
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import col

from server.services.context import ServiceContext
from server.services.errors import InvalidInput, TooLarge
from server.store.models_stats import PhoneCalls

MAX_BYTES = 64 * 1024  # ~4,000 rows: ten years of days
MAX_ROWS = 4000
MAX_CALLS = 1_000_000
MAX_ERRORS = 10


def parse_calls(data: bytes) -> dict[date, int]:
    """`date,calls` (a header line is optional; `;` also works; UTF-8, a BOM is fine).
    Every bad line is named; nothing is returned unless the whole file is good."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"the file is larger than {MAX_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 1:
        raise InvalidInput(f"at most {MAX_ROWS} days in one file")
    found: dict[date, int] = {}
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = next(csv.reader([line], delimiter=";" if ";" in line else ","))
        fields = [f.strip() for f in fields]
        if number == 1 and fields[:2] == ["date", "calls"]:
            continue
        problem = _problem(fields, found)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        found[date.fromisoformat(fields[0])] = int(fields[1])
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        raise InvalidInput("; ".join(errors[:MAX_ERRORS]) + more)
    if not found:
        raise InvalidInput("the file has no rows: write one `date,calls` line per day")
    return found


def _problem(fields: list[str], found: dict[date, int]) -> str | None:
    if len(fields) != 2:
        return "write two fields: date,calls"
    raw_day, raw_calls = fields
    try:
        if len(raw_day) != 10:
            raise ValueError
        day = date.fromisoformat(raw_day)
    except ValueError:
        return "the date must be YYYY-MM-DD"
    if not 2000 <= day.year <= 2100:
        return "the date must be between 2000 and 2100"
    if day in found:
        return f"{raw_day} is already on an earlier line"
    if not (raw_calls.isascii() and raw_calls.isdigit()) or int(raw_calls) > MAX_CALLS:
        return f"calls must be a whole number from 0 to {MAX_CALLS}"
    return None


async def import_calls(ctx: ServiceContext, data: bytes, staff_id: str) -> dict[str, object]:
    found = parse_calls(data)
    now = ctx.clock()
    async with ctx.db.write() as session:  # one transaction: all days or none
        await session.execute(delete(PhoneCalls).where(col(PhoneCalls.day).in_(list(found))))
        session.add_all(PhoneCalls(day=day, calls=calls, updated_at=now, updated_by=staff_id)
                        for day, calls in found.items())
    return {"days": len(found), "from": min(found).isoformat(), "to": max(found).isoformat(),
            "calls": sum(found.values())}


async def calls_by_day(ctx: ServiceContext, start: date, end: date) -> dict[date, int]:
    stmt = (select(col(PhoneCalls.day), col(PhoneCalls.calls))
            .where(col(PhoneCalls.day) >= start, col(PhoneCalls.day) <= end))
    async with ctx.db.read() as session:
        return {day: int(calls) for day, calls in (await session.execute(stmt)).all()}
