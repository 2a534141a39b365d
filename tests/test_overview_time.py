"""Day boundaries passed to the database are UTC (SQLite compares stored UTC wall-clock text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.services.overview import _local_midnight


def test_local_midnight_is_given_in_utc_after_22_utc() -> None:
    # 23:30 UTC on 30 November is already 1 December in Helsinki.
    midnight = _local_midnight(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), ZoneInfo("Europe/Helsinki"))
    assert midnight.utcoffset() == timedelta(0)
    assert midnight.replace(tzinfo=None) == datetime(2026, 11, 30, 22, 0)
