"""Service hours: the NEUVO_SERVICE_HOURS syntax, closures, openings and the console JSON."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.hours import HoursError, parse_service_hours
from server.services.errors import InvalidInput
from server.services.service_config import hours_from_json, hours_to_json

HEL = ZoneInfo("Europe/Helsinki")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HEL)


def test_weekly_hours_with_whole_day_and_partial_closures() -> None:
    hours = parse_service_hours(
        "mon-fri 08:00-16:00; closed 2026-12-24 2026-12-03 12:00-14:00")
    assert hours.is_open(at("2026-12-03T11:59"))           # Thursday morning
    assert not hours.is_open(at("2026-12-03T12:30"))       # training afternoon
    assert hours.is_open(at("2026-12-03T14:00"))
    assert not hours.is_open(at("2026-12-24T10:00"))       # Christmas Eve (Thursday)
    assert hours.next_opening(at("2026-12-03T12:30")) == at("2026-12-03T14:00")
    assert hours.next_opening(at("2026-12-23T17:00")) == at("2026-12-25T08:00")
    assert hours.describe("fi") == "ma–pe 8.00–16.00"
    assert hours.describe("fi", at("2026-12-01T09:00")) == (
        "ma–pe 8.00–16.00; 3.12. suljettu 12.00–14.00")
    assert "24.12. stängt" in hours.describe("sv", at("2026-12-20T09:00"))


def test_always_with_a_closed_day() -> None:
    hours = parse_service_hours("always; closed 2026-06-19")
    assert hours.is_open(at("2026-06-18T23:59"))
    assert not hours.is_open(at("2026-06-19T12:00"))
    assert hours.next_opening(at("2026-06-19T12:00")) == at("2026-06-20T00:00")


@pytest.mark.parametrize("text, problem", [
    ("closed 2026-12-03 12:00-14:00", "no open times"),
    ("mon-fri 08:00-16:00; closed 12:00-14:00", "must follow a date"),
    ("mon-fri 08:00-16:00; closed 2026-13-01", "YYYY-MM-DD"),
    ("always; mon 08:00-16:00", "cannot be combined"),
    ("mon-fri 16:00-08:00", "end after"),
])
def test_bad_hours_text_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(HoursError, match=problem):
        parse_service_hours(text)


def test_console_json_round_trip() -> None:
    spec = {"always": False, "tz": "Europe/Helsinki",
            "weekly": {"mon": [{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "24:00"}],
                       "tue": [], "wed": [], "thu": [], "fri": [], "sat": [], "sun": []},
            "exceptions": [{"date": "2026-12-03", "from": "12:00", "to": "16:00", "note": "koulutus"},
                           {"date": "2026-12-24", "from": None, "to": None, "note": None}]}
    hours = hours_from_json(spec)
    assert hours_to_json(hours) == spec
    assert hours.is_open(at("2026-11-30T23:30"))  # Monday until midnight
    assert hours.closures[0].day == date(2026, 12, 3)


@pytest.mark.parametrize("spec, where", [
    ({"weekly": {"mon": [{"from": "08:00", "to": "12:00"}, {"from": "11:00", "to": "13:00"}]}},
     "overlap"),
    ({"weekly": {"mon": [{"from": "25:00", "to": "26:00"}]}}, "not a time"),
    ({"weekly": {"mon": "08-16"}}, "weekly.mon"),
    ({"always": "yes"}, "always"),
    ({"always": True, "exceptions": [{"date": "x"}]}, "exceptions.0.date"),
    ({"always": True, "exceptions": [{"date": "2026-01-01", "note": "x" * 201}]}, "note"),
])
def test_bad_console_hours_name_the_field(spec: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidInput, match=where):
        hours_from_json(spec)
