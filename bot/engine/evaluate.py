"""Evaluation on a `lang<TAB>intent<TAB>text` file: accuracy, macro F1, per-intent precision
and recall, most confused pairs, safety recall (share of safety-intent messages flagged)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import SAFETY_INTENTS
from bot.engine.engine import Engine


@dataclass(frozen=True)
class Item:
    lang: str
    intent: str
    text: str
    line: int


@dataclass
class Report:
    n: int = 0
    accuracy: float = 0.0
    macro_f1: float = 0.0
    per_intent: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)  # p, r, f1, n
    confused: list[tuple[str, str, int]] = field(default_factory=list)
    safety_recall: float = 0.0
    safety_total: int = 0
    safety_false_alarms: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[tuple[Item, str]] = field(default_factory=list)


def read_tsv(path: Path) -> list[Item]:
    """Read the data file; raises ValueError naming the line of a malformed row."""
    items: list[Item] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{number}: expected lang<TAB>intent<TAB>text, got {len(parts)} fields")
        lang, intent, text = (p.strip() for p in parts)
        if number == 1 and (lang, intent) == ("lang", "intent"):
            continue  # header
        items.append(Item(lang, intent, text, number))
    if not items:
        raise ValueError(f"{path}: no data rows")
    return items


def evaluate(engine: Engine, items: list[Item]) -> Report:
    report = Report(n=len(items))
    predicted: list[str] = []
    flagged: list[bool] = []
    for item in items:
        started = time.perf_counter()
        parse = engine.parse(item.text, item.lang)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        predicted.append(parse.intent)
        flagged.append(parse.safety)
        if parse.intent != item.intent:
            report.errors.append((item, parse.intent))
    gold = [i.intent for i in items]
    score(report, gold, predicted)
    safety_gold = [f for g, f in zip(gold, flagged, strict=True) if g in SAFETY_INTENTS]
    report.safety_total = len(safety_gold)
    report.safety_recall = sum(safety_gold) / len(safety_gold) if safety_gold else 1.0
    report.safety_false_alarms = sum(f for g, f in zip(gold, flagged, strict=True) if g not in SAFETY_INTENTS)
    return report


def score(report: Report, gold: list[str], predicted: list[str],
          skip_confused: frozenset[str] = frozenset()) -> None:
    """Accuracy, per-intent precision/recall/F1, macro F1 and the most confused pairs (a
    predicted intent in `skip_confused` is not a confusion: e.g. the fallback)."""
    if not gold:
        return
    report.accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.per_intent[label] = (precision, recall, f1, n_gold)
        f1s.append(f1)
    report.macro_f1 = sum(f1s) / len(f1s)
    pairs = Counter((g, p) for g, p in zip(gold, predicted, strict=True)
                    if g != p and p not in skip_confused)
    report.confused = [(g, p, n) for (g, p), n in pairs.most_common(10)]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def format_report(report: Report) -> str:
    lines = [
        f"examples        {report.n}",
        f"accuracy        {report.accuracy:.3f}",
        f"macro F1        {report.macro_f1:.3f}",
        f"safety recall   {report.safety_recall:.3f} ({report.safety_total} safety messages, "
        f"{report.safety_false_alarms} false alarms on other intents)",
        f"parse latency   p50 {percentile(report.latencies_ms, 50):.2f} ms, "
        f"p99 {percentile(report.latencies_ms, 99):.2f} ms",
        "",
        f"{'intent':32} {'prec':>5} {'rec':>5} {'f1':>5} {'n':>4}",
    ]
    for label, (p, r, f1, n) in sorted(report.per_intent.items()):
        lines.append(f"{label:32} {p:5.2f} {r:5.2f} {f1:5.2f} {n:4d}")
    if report.confused:
        lines += ["", "most confused (expected -> predicted: count)"]
        lines += [f"  {g} -> {p}: {n}" for g, p, n in report.confused]
    return "\n".join(lines)
