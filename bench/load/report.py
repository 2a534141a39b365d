"""The run as a markdown table for the README and as JSON."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from importlib import metadata
from typing import Any

NEUVO = ("neuvo-sqlite", "neuvo-postgres", "neuvo-2proc")
BASELINES = ("ws-relay", "starlette-relay", "socketio-redis")


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("websockets", "uvicorn", "starlette", "sqlalchemy", "asyncpg", "redis",
                    "python-socketio"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": model,
            "cpus": os.cpu_count(), "load_avg": os.getloadavg(), "python": platform.python_version(),
            "commit": commit, "versions": versions}


def _fmt(value: Any, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def _at(result: dict[str, Any], rate: float) -> dict[str, Any]:
    for step in result.get("steps", []):
        if step["phase"] == "fixed" and step["offered_rate"] == rate:
            return step
    return {}


def markdown(run: dict[str, Any]) -> str:
    meta, results = run["meta"], run["scenarios"]
    rates = run["plan"]["rates"]
    lines = [f"Run {meta['date']}, commit {meta['commit']}, {meta['cpus']} CPUs ({meta['cpu']}), "
             f"Python {meta['python']}, load average at start {meta['load_avg'][0]:.1f}; "
             f"{run['plan']['pairs']} pairs, {run['plan']['step_s']} s per step.", ""]
    head = ["scenario", "sustained msg/s (p99 ≤ 50 ms)"]
    for rate in rates:
        head.append(f"{rate:g}/s: delivered, p50/p99 ms, CPU ms/msg")
    head += ["KB per idle conn", "chats/s", "lost", "dup", "out of order", "faults"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, result in results.items():
        if "error" in result:
            lines.append(f"| {name} | failed: {result['error']} |")
            continue
        row = [name, _fmt(result.get("ramp", {}).get("sustained_rate"))]
        for rate in rates:
            step = _at(result, rate)
            row.append(f"{_fmt(step.get('delivered_rate'))}, {_fmt(step.get('e2e_p50_ms'))}/"
                       f"{_fmt(step.get('e2e_p99_ms'))}, {_fmt(step.get('cpu_ms_per_message'))}"
                       if step else "—")
        idle = result.get("idle", {})
        row += [_fmt(idle.get("kb_per_connection")),
                _fmt(idle.get("chat_create_per_s", result.get("chat_create_per_s"))),
                str(sum(s["lost"] for s in result.get("steps", []))),
                str(sum(s["duplicated"] for s in result.get("steps", []))),
                str(sum(s["out_of_order"] for s in result.get("steps", []))), str(result.get("faults"))]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", *ratios(results, rates)]
    return "\n".join(lines) + "\n"


def ratios(results: dict[str, Any], rates: list[float]) -> list[str]:
    """Neuvo as a ratio to each baseline from the same run: sustained rate (Neuvo ÷ baseline,
    higher is better), server CPU per message at the lowest fixed rate and memory per idle
    connection (both Neuvo ÷ baseline, lower is better)."""
    def metric(name: str, what: str) -> float | None:
        result = results.get(name, {})
        value = {"rate": result.get("ramp", {}).get("sustained_rate"),
                 "cpu": _at(result, rates[0]).get("cpu_ms_per_message") if rates else None,
                 "mem": result.get("idle", {}).get("kb_per_connection")}[what]
        return float(value) if value else None

    neuvo = [n for n in NEUVO if n in results]
    base = [b for b in BASELINES if b in results]
    if not neuvo or not base:
        return []
    lines = ["| Neuvo ÷ baseline: sustained rate / CPU per msg"
             f"{f' at {rates[0]:g}/s' if rates else ''} / KB per idle conn | "
             + " | ".join(base) + " |", "|---|" + "---|" * len(base)]
    for name in neuvo:
        cells = []
        for other in base:
            parts = []
            for what in ("rate", "cpu", "mem"):
                a, b = metric(name, what), metric(other, what)
                parts.append(f"{a / b:.2f}" if a and b else "—")
            cells.append(" / ".join(parts))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines
