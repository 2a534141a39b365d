"""The statistics of a scripted set are exactly right on SQLite and PostgreSQL (expected
values worked out by hand from tests/stats/builder.py SCRIPTED)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.services.context import ServiceContext
from server.services.errors import InvalidInput
from server.services.stats import aggregates, weekly
from server.services.stats.filters import parse_filter
from tests.stats.builder import NOV, SCRIPTED, Group, insert, rows

WEEK = {"from": "2026-11-09", "to": "2026-11-15"}


def by_value(items: list[dict[str, object]]) -> dict[object, object]:
    return {item["value"]: item["chats"] for item in items}


async def test_scripted_set_exactly(ctx: ServiceContext) -> None:
    await insert(ctx, rows(SCRIPTED), calls={NOV: 40, NOV + timedelta(days=1): 35})
    report = await aggregates.report(ctx, parse_filter(WEEK, NOV))
    s = report["summary"]
    assert (s["chats"], s["bot"], s["staff"], s["abandoned_queue"], s["handoff"]) == (45, 20, 20, 5, 25)
    assert (s["containment_pct"], s["handoff_pct"]) == (44.4, 55.6)  # adds up to 100 %
    assert s["abandoned_pct"] == 11.1
    assert (s["first_contact"], s["first_contact_pct"]) == (12, 60.0)
    assert s["wait"] == {"n": 20, "p50": 35.0, "p90": 200.0}
    assert s["feedback"] == {"scores": {"1": 5, "2": 0, "3": 5, "4": 5, "5": 5}, "responses": 20,
                             "response_rate_pct": 44.4, "mean": 3.25, "csat_pct": 50.0}
    days = {row["day"]: row for row in report["days"]}
    assert len(days) == 7
    assert {k: days["2026-11-09"][k] for k in ("chats", "bot", "staff", "abandoned_queue",
                                                "wait_p50", "wait_p90", "calls")} == {
        "chats": 23, "bot": 10, "staff": 13, "abandoned_queue": 0, "wait_p50": 70.0,
        "wait_p90": 200.0, "calls": 40}
    assert days["2026-11-09"]["containment_pct"] == 43.5
    assert (days["2026-11-10"]["chats"], days["2026-11-10"]["abandoned_queue"],
            days["2026-11-10"]["handoff_pct"], days["2026-11-10"]["wait_p50"]) == (12, 5, 100.0, 30.0)
    # 23:30 and 00:30 Helsinki time fall on their local days.
    assert (days["2026-11-11"]["chats"], days["2026-11-12"]["chats"]) == (5, 5)
    assert days["2026-11-13"] == {"day": "2026-11-13", "chats": 0, "bot": 0, "staff": 0,
                                  "abandoned_queue": 0, "containment_pct": None,
                                  "handoff_pct": None, "wait_p50": None, "wait_p90": None,
                                  "calls": None}
    cells = {(c["weekday"], c["hour"]): (c["chats"], c["abandoned_queue"])
             for c in report["heatmap"]}
    assert len(cells) == 7 * 24
    assert {k: v for k, v in cells.items() if v != (0, 0)} == {
        (0, 10): (10, 0), (0, 11): (13, 0), (1, 14): (5, 5), (1, 15): (7, 0),
        (2, 23): (5, 0), (3, 0): (5, 0)}
    assert by_value(report["topic"]) == {"housing_advice": 20, "income_support": 18,
                                         "child_welfare": 7}
    assert by_value(report["outcome"]) == {"none": 20, "solved_first_contact": 12,
                                           "referred": 8, "abandoned": 5}
    assert by_value(report["lang"]) == {"fi": 33, "en": 7, "sv": 5}
    assert by_value(report["tag_topics"]) == {"none": 28, "income_support": 10,
                                              "child_welfare": 7, "housing_advice": 7}
    # Kuortane has 3: "<5"; Vaasa (12) is hidden too, or 45 - 30 would give Kuortane away.
    assert by_value(report["municipality"]) == {"Seinäjoki": 30, "Vaasa": "..", "Kuortane": "<5"}


async def test_filters(ctx: ServiceContext) -> None:
    await insert(ctx, rows(SCRIPTED))
    sv = await aggregates.report(ctx, parse_filter({**WEEK, "lang": "sv"}, NOV))
    assert (sv["summary"]["chats"], sv["summary"]["abandoned_queue"]) == (5, 5)
    assert (sv["summary"]["handoff_pct"] == 100.0 and sv["summary"]["containment_pct"] is None) \
        or sv["summary"]["containment_pct"] == 0.0
    vaasa = await aggregates.report(ctx, parse_filter({**WEEK, "municipality": "Vaasa"}, NOV))
    assert vaasa["summary"]["chats"] == 12
    later = await aggregates.report(ctx, parse_filter({"from": "2026-11-16", "to": "2026-11-30"},
                                                      NOV))
    assert later["summary"]["chats"] == 6
    kuortane = await aggregates.report(ctx, parse_filter({**WEEK, "municipality": "Kuortane"},
                                                         NOV))
    assert kuortane["summary"]["chats"] == "<5"
    assert kuortane["summary"]["wait"] == {"n": "<5", "p50": "..", "p90": ".."}
    assert all(c["chats"] in (0, "<5", "..") for c in kuortane["heatmap"])


async def test_weekly_follow_up(ctx: ServiceContext) -> None:
    earlier = [Group(NOV - timedelta(days=7), g.at, g.n, g.handled_by, g.lang, g.municipality,
                     g.topic, g.tag_topics, g.outcomes, g.waits, g.scores) for g in SCRIPTED[:2]]
    await insert(ctx, rows([*SCRIPTED, *earlier]))
    result = await weekly.weekly(ctx, parse_filter({}, NOV + timedelta(days=8)),
                                 NOV + timedelta(days=8))
    assert (result["last"]["from"], result["previous"]["from"]) == ("2026-11-09", "2026-11-02")
    assert (result["last"]["chats"], result["previous"]["chats"]) == (45, 20)
    change = result["change"]
    assert change["chats"] == 25
    assert change["containment_pct"] == pytest.approx(44.4 - 50.0, abs=0.05)
    assert change["first_contact_pct"] == pytest.approx(60.0 - 50.0, abs=0.05)


@pytest.mark.parametrize("params, message", [
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-10", "to": "2026-11-01"}, "after"),
    ({"from": "2024-01-01", "to": "2026-01-01"}, "400 days"),
    ({"lang": "de"}, "lang"), ({"colour": "red"}, "unknown"),
    ({"municipality": "x" * 101}, "municipality"),
])
def test_bad_filters_are_refused(params: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_filter(params, date(2026, 11, 20))
