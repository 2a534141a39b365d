"""Safety evaluation on a `lang<TAB>expected<TAB>category<TAB>text` file (bot/eval/safety-*.tsv).

`expected` is a safety intent or `none` (a hard negative). A message counts as flagged when the
engine's parse has `safety=True`; recall = flagged positives / positives, false alarms =
flagged negatives / negatives. How often the flagged intent equals `expected` is reported too
(informative: any safety intent shows the emergency guidance first).
The eval files are never read by training (tests/bot/test_safety_eval.py checks for leaks).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import SAFETY_INTENTS
from bot.engine.engine import Engine
from bot.engine.evaluate import percentile

NEGATIVE = "none"
EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"


def shipped_sets() -> list[Path]:
    """The safety sets shipped in bot/eval/ (A and B, written by two independent writers)."""
    return sorted(EVAL_DIR.glob("safety-*.tsv"))


@dataclass(frozen=True)
class SafetyItem:
    lang: str
    expected: str
    category: str
    text: str
    line: int

    @property
    def positive(self) -> bool:
        return self.expected != NEGATIVE


@dataclass
class SafetyReport:
    name: str
    positives: int = 0
    negatives: int = 0
    flagged_positives: int = 0
    flagged_negatives: int = 0
    intent_matches: int = 0
    per_category: dict[str, list[int]] = field(default_factory=dict)  # category -> [flagged, n]
    misses: list[tuple[SafetyItem, str]] = field(default_factory=list)
    false_alarms: list[tuple[SafetyItem, str]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.flagged_positives / self.positives if self.positives else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.flagged_negatives / self.negatives if self.negatives else 0.0

    @property
    def intent_agreement(self) -> float:
        return self.intent_matches / self.flagged_positives if self.flagged_positives else 0.0


def read_safety_tsv(path: Path) -> list[SafetyItem]:
    """Read a safety set; raises ValueError naming the line of a malformed row."""
    items: list[SafetyItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise ValueError(f"{path}:{number}: expected lang<TAB>expected<TAB>category<TAB>text, "
                             f"got {len(parts)} fields")
        lang, expected, category, text = (p.strip() for p in parts)
        if number == 1 and (lang, expected) == ("lang", "expected"):
            continue  # header
        if expected != NEGATIVE and expected not in SAFETY_INTENTS:
            raise ValueError(f"{path}:{number}: '{expected}' is neither a safety intent nor '{NEGATIVE}'")
        items.append(SafetyItem(lang, expected, category, text, number))
    if not items:
        raise ValueError(f"{path}: no data rows")
    return items


def evaluate_safety(engine: Engine, items: list[SafetyItem], name: str = "") -> SafetyReport:
    report = SafetyReport(name=name)
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        started = time.perf_counter()
        parse = engine.parse(item.text, item.lang)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        counts = per_category[f"{item.expected}/{item.category}"]
        counts[0] += parse.safety
        counts[1] += 1
        if item.positive:
            report.positives += 1
            if parse.safety:
                report.flagged_positives += 1
                report.intent_matches += parse.intent == item.expected
            else:
                report.misses.append((item, parse.intent))
        else:
            report.negatives += 1
            if parse.safety:
                report.flagged_negatives += 1
                report.false_alarms.append((item, parse.intent))
    report.per_category = dict(sorted(per_category.items()))
    return report


def format_safety_report(report: SafetyReport, errors: bool = False) -> str:
    lines = [
        f"safety set      {report.name}",
        f"safety recall   {report.recall:.3f} ({report.flagged_positives}/{report.positives} "
        "positives flagged)",
        f"false alarms    {report.false_alarm_rate:.3f} ({report.flagged_negatives}/{report.negatives} "
        "hard negatives flagged)",
        f"same intent     {report.intent_agreement:.3f} (flagged positives whose intent is the expected one)",
        f"parse latency   p50 {percentile(report.latencies_ms, 50):.2f} ms, "
        f"p99 {percentile(report.latencies_ms, 99):.2f} ms",
        "",
        f"{'expected/category':48} {'flagged':>7} {'n':>4} {'rate':>5}",
    ]
    for category, (flagged, n) in report.per_category.items():
        lines.append(f"{category:48} {flagged:7d} {n:4d} {flagged / n:5.2f}")
    if errors:
        lines += ["", "missed (line: expected -> parsed intent | text)"]
        lines += [f"  {i.line}: {i.expected} -> {p} | {i.text}" for i, p in report.misses] or ["  none"]
        lines += ["", "false alarms (line: category -> flagged intent | text)"]
        lines += [f"  {i.line}: {i.category} -> {p} | {i.text}" for i, p in report.false_alarms] or ["  none"]
    return "\n".join(lines)
