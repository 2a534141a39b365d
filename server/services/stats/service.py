"""What the web layer calls: one function per request, the filter parsed here, exports
audited as "statistics_exported"."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any

from server.privacy.audit import audit
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, NotFound
from server.services.stats import aggregates, conversations, csv_export, phone, weekly
from server.services.stats.cache import reports
from server.services.stats.definitions import DEFINITIONS
from server.services.stats.filters import StatsFilter, local_day, parse_filter
from server.services.stats.tables import TABLES, table
from server.store.models import Staff

SEPARATORS = {"comma": False, "semicolon": True}
JSON_PARTS = ("summary", "days", "heatmap", "topic", "tag_topics", "outcome", "municipality",
              "lang", "queue", "entry_queue", "queue_moved")


def today(ctx: ServiceContext) -> date:
    return local_day(ctx.clock())


def _filter(ctx: ServiceContext, params: Mapping[str, str]) -> StatsFilter:
    return parse_filter(params, today(ctx))


async def report(ctx: ServiceContext, params: Mapping[str, str],
                 part: str | None = None) -> dict[str, Any]:
    """The whole report, or one part of it (`summary`, `days`, ... , `feedback`, `weekly`)."""
    flt = _filter(ctx, params)
    if part == "weekly":
        return await _weekly(ctx, flt)
    if part is not None and part not in (*JSON_PARTS, "feedback"):
        raise NotFound(f"no statistics table {part!r}")
    result = await _report(ctx, flt)
    if part is None:
        return result
    if part == "feedback":
        return {"filter": result["filter"], "feedback": result["summary"]["feedback"]}
    return {"filter": result["filter"], part: result[part]}


async def _report(ctx: ServiceContext, flt: StatsFilter) -> dict[str, Any]:
    result: dict[str, Any] = await reports.get(("report", flt), ctx.settings.stats_cache_s,
                                               lambda: aggregates.report(ctx, flt))
    return result


async def _weekly(ctx: ServiceContext, flt: StatsFilter) -> dict[str, Any]:
    day = today(ctx)
    result: dict[str, Any] = await reports.get(
        ("weekly", flt.lang, flt.municipality, flt.queue, day), ctx.settings.stats_cache_s,
        lambda: weekly.weekly(ctx, flt, day))
    return result


def definitions() -> dict[str, dict[str, str]]:
    return DEFINITIONS


def _semicolon(params: Mapping[str, str]) -> bool:
    sep = params.get("sep", "comma")
    if sep not in SEPARATORS:
        raise InvalidInput("sep: comma or semicolon")
    return SEPARATORS[sep]


async def export_table(ctx: ServiceContext, staff: Staff, name: str,
                       params: Mapping[str, str]) -> tuple[str, str]:
    """(file name, CSV text) of one table."""
    if name not in TABLES:
        raise NotFound(f"no statistics table {name!r}")
    semicolon = _semicolon(params)
    flt = _filter(ctx, params)
    result = await _report(ctx, flt) if name != "weekly" else {}
    week = await _weekly(ctx, flt) if name == "weekly" else None
    header, rows = table(result, name, week)
    await audit(ctx, staff.id, "statistics_exported", None, _detail(name, flt))
    return f"neuvo-{name}-{flt.start}-{flt.end}.csv", csv_export.render(header, rows,
                                                                         semicolon=semicolon)


async def export_conversations(ctx: ServiceContext, staff: Staff,
                               params: Mapping[str, str]) -> tuple[str, AsyncIterator[str]]:
    semicolon = _semicolon(params)
    flt = _filter(ctx, params)
    await audit(ctx, staff.id, "statistics_exported", None, _detail("conversations", flt))

    body = csv_export.stream(conversations.COLUMNS, conversations.export_rows(ctx, flt),
                             semicolon=semicolon)
    return f"neuvo-conversations-{flt.start}-{flt.end}.csv", body


def _detail(name: str, flt: StatsFilter) -> str:
    return " ".join(f"{k}={v}" for k, v in {"table": name, **flt.as_params()}.items())


async def cell(ctx: ServiceContext, params: Mapping[str, str]) -> dict[str, Any]:
    flt, selected, offset = conversations.parse_cell(params, today(ctx))
    return await conversations.chats_in_cell(ctx, flt, selected, offset)


async def conversation(ctx: ServiceContext, staff: Staff, chat_id: str) -> dict[str, Any]:
    if len(chat_id) > 32 or not chat_id.isalnum():
        raise InvalidInput("chat id: at most 32 letters and digits")
    return await conversations.conversation(ctx, staff, chat_id)


async def upload_calls(ctx: ServiceContext, staff: Staff, data: bytes) -> dict[str, object]:
    result = await phone.import_calls(ctx, data, staff.id)
    reports.clear()  # the days now show other call counts
    await audit(ctx, staff.id, "phone_calls_uploaded", None,
                f"days={result['days']} from={result['from']} to={result['to']}")
    return result


async def calls(ctx: ServiceContext, params: Mapping[str, str]) -> dict[str, Any]:
    flt = _filter(ctx, params)
    found = await phone.calls_by_day(ctx, flt.start, flt.end)
    return {"filter": flt.as_params(),
            "items": [{"day": d.isoformat(), "calls": n} for d, n in sorted(found.items())]}
