"""The report as flat tables (the CSV exports; the page draws the same rows): every table
has a name, its column names and rows of shown values."""

from __future__ import annotations

from typing import Any

from server.services.stats.aggregates import BREAKDOWNS

Table = tuple[list[str], list[list[Any]]]
TABLES = ("summary", "days", "heatmap", "feedback", *BREAKDOWNS, "weekly")
DAY_COLUMNS = ["day", "chats", "bot", "staff", "abandoned_queue", "containment_pct",
               "handoff_pct", "wait_p50", "wait_p90", "calls"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _summary(report: dict[str, Any]) -> Table:
    s = report["summary"]
    flat = {key: value for key, value in s.items() if key not in ("wait", "feedback")}
    flat.update({f"wait_{k}": v for k, v in s["wait"].items()})
    fb = s["feedback"]
    flat.update({"feedback_responses": fb["responses"], "feedback_mean": fb["mean"],
                 "csat_pct": fb["csat_pct"], "response_rate_pct": fb["response_rate_pct"]})
    return ["metric", "value"], [[k, v] for k, v in flat.items()]


def _weekly(weekly: dict[str, Any]) -> Table:
    keys = ["chats", "bot", "staff", "abandoned_queue", "containment_pct", "handoff_pct",
            "abandoned_pct", "first_contact_pct", "calls"]
    rows = [[k, weekly["last"][k], weekly["previous"][k], weekly["change"][k]] for k in keys]
    for key in ("csat_pct", "response_rate_pct"):
        rows.append([key, weekly["last"]["feedback"][key], weekly["previous"]["feedback"][key],
                     weekly["change"][key]])
    rows.append(["wait_p50", weekly["last"]["wait"]["p50"], weekly["previous"]["wait"]["p50"],
                 weekly["change"]["wait_p50"]])
    header = ["metric", f"week {weekly['last']['from']}", f"week {weekly['previous']['from']}",
              "change"]
    return header, rows


def table(report: dict[str, Any], name: str, weekly: dict[str, Any] | None = None) -> Table:
    if name == "summary":
        return _summary(report)
    if name == "days":
        return DAY_COLUMNS, [[row[c] for c in DAY_COLUMNS] for row in report["days"]]
    if name == "heatmap":
        return (["weekday", "hour", "chats", "abandoned_queue", "staff_on_duty"],
                [[WEEKDAYS[c["weekday"]], c["hour"], c["chats"], c["abandoned_queue"],
                  c["staff_on_duty"]] for c in report["heatmap"]])
    if name == "feedback":
        fb = report["summary"]["feedback"]
        return ["score", "chats"], [[score, n] for score, n in fb["scores"].items()]
    if name == "weekly":
        assert weekly is not None
        return _weekly(weekly)
    return [name, "chats"], [[row["value"], row["chats"]] for row in report[name]]
