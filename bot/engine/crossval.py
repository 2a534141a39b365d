"""Cross-validated evaluation of a bot project, and its safety regression by language.

Stratified k-fold: the examples of each (intent, language) are shuffled with a fixed seed and
dealt round-robin into k folds, so every fold sees every intent in every language it has.
Each fold trains an engine on the other folds and parses the held-out examples through the
whole engine (payloads, fallback thresholds, the safety layer), as a resident's message is.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.catalogue import FALLBACK_INTENT, SAFETY_INTENTS
from bot.engine.engine import Engine
from bot.engine.evaluate import Item, Report, evaluate, score
from bot.engine.loader import Example
from bot.engine.project import Project
from bot.engine.safety_eval import SafetyItem

LANGS = ("fi", "sv", "en")
SEED = 42
Progress = Callable[[int, int], None]


def folds(examples: list[Example], k: int) -> list[list[Example]]:
    """`k` stratified folds (an (intent, language) with fewer than k examples is spread over
    as many folds as it has examples)."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[(example.intent, example.lang or "")].append(example)
    rng = random.Random(SEED)
    out: list[list[Example]] = [[] for _ in range(k)]
    offset = 0
    for key in sorted(groups):
        items = list(groups[key])
        rng.shuffle(items)
        for index, example in enumerate(items):
            out[(offset + index) % k].append(example)
        offset += len(items)
    return out


def cross_validate(project: Project, k: int = 5, progress: Progress | None = None) -> Report:
    """Every example predicted by an engine that did not train on it."""
    parts = folds(project.examples, k)
    gold: list[str] = []
    predicted: list[str] = []
    errors: list[tuple[Item, str]] = []
    for index, held_out in enumerate(parts):
        train = [e for j, part in enumerate(parts) if j != index for e in part]
        if held_out and len({e.intent for e in train}) >= 2:
            engine = Engine.train(replace(project, examples=train))
            for example in held_out:
                intent = engine.parse(example.text, example.lang).intent
                gold.append(example.intent)
                predicted.append(intent)
                if intent != example.intent:
                    errors.append((Item(example.lang or "fi", example.intent, example.text,
                                        example.line), intent))
        if progress is not None:
            progress(index + 1, k)
    report = _score(gold, predicted)
    report.errors = errors
    return report


def score_items(engine: Engine, items: list[Item]) -> Report:
    """A county's own test set on the trained engine."""
    report = evaluate(engine, items)
    report.latencies_ms = []
    return report


def _score(gold: list[str], predicted: list[str]) -> Report:
    report = Report(n=len(gold))
    # "not recognised" (the fallback) is listed on its own, not as a confusion
    score(report, gold, predicted, skip_confused=frozenset({FALLBACK_INTENT}))
    return report


def safety_by_language(engine: Engine, items: list[SafetyItem]) -> dict[str, Any]:
    """Recall of every safety intent in every language on a fixed regression set: the share of
    its messages the engine flags as a safety case. Also the false alarms on hard negatives."""
    flagged: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    alarms = negatives = 0
    missed: list[dict[str, str]] = []
    for item in items:
        parse = engine.parse(item.text, item.lang)
        if item.positive:
            cell = flagged[(item.expected, item.lang)]
            cell[0] += parse.safety
            cell[1] += 1
            if not parse.safety:
                missed.append({"lang": item.lang, "intent": item.expected, "text": item.text})
        else:
            negatives += 1
            alarms += parse.safety
    per_intent = {intent: {lang: (flagged[(intent, lang)][0] / flagged[(intent, lang)][1]
                                  if flagged[(intent, lang)][1] else None) for lang in LANGS}
                  for intent in SAFETY_INTENTS}
    by_lang = {}
    for lang in LANGS:
        hits = sum(flagged[(i, lang)][0] for i in SAFETY_INTENTS)
        total = sum(flagged[(i, lang)][1] for i in SAFETY_INTENTS)
        by_lang[lang] = hits / total if total else None
    values = [v for v in by_lang.values() if v is not None]
    return {"recall": min(values) if values else 1.0, "by_lang": by_lang,
            "per_intent": per_intent, "missed": missed[:50],
            "false_alarms": alarms, "negatives": negatives}
