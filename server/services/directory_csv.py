"""CSV import and export of the service directory (issue 13).

The file: UTF-8 (a BOM is fine: Excel writes one), `;`-separated as Excel in Finland writes it,
or `,`-separated (the header line decides: `;` in it means `;`), a header line naming the
columns (any order): `id;type;municipality;name_fi;name_sv;name_en;address;hours_fi;hours_sv;
hours_en;phone;web;languages`. `type`, `municipality` and `name_fi` are required columns;
the others may be left out. `languages` is e.g. `fi,sv` (or `fi sv`).

Two modes, both all-or-nothing (every row is checked first, then one transaction writes):
- `merge` (default): a row with an empty `id` adds a point; a row with an id updates that
  point; points not in the file stay.
- `replace`: the file becomes the whole directory: rows as in merge, and every point whose
  id is not in the file is deleted.
An id that is not in the directory, an id twice in the file, an unknown column, or any bad
value refuses the whole file with every problem's line number (the header is line 1).
Limits: MAX_CSV_BYTES, MAX_ROWS rows, and the directory's MAX_POINTS.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlmodel import col

from server.services.context import ServiceContext
from server.services.directory import MAX_POINTS
from server.services.directory_bot import changed
from server.services.directory_rules import LANGS, PointData, PointInvalid, check_point, problem
from server.services.errors import InvalidInput, TooLarge
from server.store.models import utcnow
from server.store.models_directory import ServicePointChange, ServicePointRow

MAX_CSV_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_REPORTED = 100
BOM = "\ufeff"
COLUMNS = ("id", "type", "municipality", *(f"name_{lang}" for lang in LANGS), "address",
           *(f"hours_{lang}" for lang in LANGS), "phone", "web", "languages")
REQUIRED = ("type", "municipality", "name_fi")
Mode = Literal["merge", "replace"]


def _rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[dict[str, Any]]]:
    if len(data) > MAX_CSV_BYTES:
        raise TooLarge(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text (save it as CSV UTF-8)") from None
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise PointInvalid("the file has no header line", [problem("header", "no_header",
                           "the first line must name the columns", 1)])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in first else ",")
    try:
        header = [h.strip().lower() for h in next(reader)]
        errors = _header_errors(header)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise TooLarge(f"the file has more than {MAX_ROWS} rows")
            if len(values) != len(header):
                errors.append(problem("*", "columns", f"{len(values)} values for "
                                      f"{len(header)} columns", reader.line_num))
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        raise PointInvalid("the file is not valid CSV", [problem(
            "*", "csv", f"not valid CSV ({exc})", reader.line_num)]) from None
    return rows, errors


def _header_errors(header: list[str]) -> list[dict[str, Any]]:
    errors = [problem(name or "?", "unknown_column", f"unknown column {name[:40]!r}; known: "
                      + ", ".join(COLUMNS), 1) for name in header if name not in COLUMNS]
    errors += [problem(name, "missing_column", f"the column {name} is missing", 1)
               for name in REQUIRED if name not in header]
    errors += [problem(name, "duplicate_column", f"the column {name} is twice", 1)
               for name in sorted({h for h in header if header.count(h) > 1})]
    return errors


async def import_csv(ctx: ServiceContext, staff: str, data: bytes,
                     mode: Mode = "merge") -> dict[str, Any]:
    rows, errors = _rows(data)
    async with ctx.db.read() as session:
        existing = {r.id: r.revision for r in await session.scalars(select(ServicePointRow))}
    checked: list[tuple[str | None, PointData]] = []
    seen: set[str] = set()
    for line, raw in rows:
        ident = (raw.get("id") or "").strip() or None
        if ident is not None and ident not in existing:
            errors.append(problem("id", "unknown_id", f"no service point {ident[:40]!r}", line))
        elif ident is not None and ident in seen:
            errors.append(problem("id", "duplicate_id", f"the id {ident!r} is twice", line))
        seen.add(ident or "")
        point, problems = check_point(raw)
        errors += [{**p, "line": line} for p in problems]
        if point is not None:
            checked.append((ident, point))
    kept = len(existing) if mode == "merge" else 0
    if not errors and kept + sum(1 for i, _ in checked if i is None) > MAX_POINTS:
        errors.append(problem("*", "too_many", f"the directory holds at most {MAX_POINTS} "
                              "service points", None))
    if errors:
        errors.sort(key=lambda e: e.get("line") or 0)
        raise PointInvalid(f"nothing was imported: {len(errors)} problems in the file",
                           errors[:MAX_REPORTED])
    return await _write(ctx, staff, checked, set(existing) - seen if mode == "replace" else set(),
                         mode)


async def _write(ctx: ServiceContext, staff: str, checked: list[tuple[str | None, PointData]],
                 removed: set[str], mode: Mode) -> dict[str, Any]:
    now = utcnow()
    added = updated = 0
    async with ctx.db.write() as session:  # one transaction: all rows or none
        for ident, point in checked:
            if ident is None:
                session.add(ServicePointRow(id=uuid.uuid4().hex[:12], updated_by=staff,
                                            updated_at=now, **point.columns()))
                added += 1
            else:
                await session.execute(update(ServicePointRow).where(
                    col(ServicePointRow.id) == ident).values(
                        **point.columns(), revision=ServicePointRow.revision + 1,
                        updated_by=staff, updated_at=now))
                updated += 1
        if removed:
            await session.execute(delete(ServicePointRow).where(
                col(ServicePointRow.id).in_(sorted(removed))))
        session.add(ServicePointChange(
            point_id="*", action="import", staff=staff,
            summary=f"CSV import ({mode}): {added} added, {updated} updated, "
                    f"{len(removed)} deleted"))
    changed(ctx)
    return {"added": added, "updated": updated, "deleted": len(removed), "mode": mode}


async def export_csv(ctx: ServiceContext, separator: str = ";") -> str:
    """The whole directory in the import format (UTF-8 with a BOM, for Excel)."""
    async with ctx.db.read() as session:
        rows = list(await session.scalars(select(ServicePointRow).order_by(
            col(ServicePointRow.municipality), col(ServicePointRow.type),
            col(ServicePointRow.name_fi))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, name) for name in COLUMNS])
    return BOM + buffer.getvalue()
