"""Evaluate bot content in a child process: `python -m bot.evaluate_content JOB.json`.

The content editor's "train and evaluate" runs here, at the lowest CPU priority, so that a
cross-validation (several trainings) never holds the server's GIL or delays a chat. JOB.json:

    {"contents": {"candidate": <content>, "published": <content> | null},
     "testset": [[lang, intent, text], ...] | null, "folds": 5, "cache": "<dir>" | null}

Progress goes to stdout as JSON lines `{"done": n, "total": m, "stage": "..."}`; the last
line is `{"result": {"candidate": {...}, "published": {...} | null}}`. Exit 1 with the
problems on stderr when a content cannot be used.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

MAX_LISTED = 100


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def report_json(report: Any) -> dict[str, Any]:
    """An evaluate.Report as JSON (rounded; the misclassified examples listed)."""
    from bot.catalogue import FALLBACK_INTENT

    unrecognised = Counter(item.intent for item, predicted in report.errors
                           if predicted == FALLBACK_INTENT)
    return {
        "n": report.n, "accuracy": round(report.accuracy, 4),
        "macro_f1": round(report.macro_f1, 4),
        "per_intent": {label: {"precision": round(p, 4), "recall": round(r, 4),
                               "f1": round(f1, 4), "n": n}
                       for label, (p, r, f1, n) in sorted(report.per_intent.items())},
        "confused": [{"expected": g, "predicted": p, "count": n} for g, p, n in report.confused],
        "unrecognised": [{"intent": i, "count": n} for i, n in unrecognised.most_common(10)],
        "misclassified": [{"lang": item.lang, "intent": item.intent, "predicted": predicted,
                           "text": item.text} for item, predicted in report.errors[:MAX_LISTED]],
    }


def evaluate_one(name: str, content: dict[str, Any], job: dict[str, Any],
                 step: list[int], total: int) -> dict[str, Any]:
    from bot import content as bot_content
    from bot.embedded import load_engine
    from bot.engine.crossval import cross_validate, safety_by_language, score_items
    from bot.engine.evaluate import Item
    from bot.engine.safety_eval import read_safety_tsv, shipped_sets
    from bot.engine.validate import load_project

    cache = Path(job["cache"]) if job.get("cache") else None
    started = time.monotonic()
    root = bot_content.materialise(content, cache)
    project = load_project(root, strict=False)
    k = int(job.get("folds") or 5)

    def progress(done: int, _k: int) -> None:
        step[0] += 1
        _emit({"done": step[0], "total": total, "stage": f"{name}: fold {done}/{k}"})

    cv = cross_validate(project, k, progress)
    engine = load_engine(root, True, cache, strict=False)
    regression = [item for path in shipped_sets() for item in read_safety_tsv(path)]
    result = report_json(cv)
    result.update(digest=bot_content.digest(content), folds=k,
                  examples=len(project.examples),
                  safety=safety_by_language(engine, regression))
    testset = job.get("testset")
    if testset:
        items = [Item(lang, intent, text, n) for n, (lang, intent, text) in enumerate(testset, 1)]
        result["testset"] = report_json(score_items(engine, items))
    else:
        result["testset"] = None
    result["seconds"] = round(time.monotonic() - started, 1)
    step[0] += 1
    _emit({"done": step[0], "total": total, "stage": f"{name}: safety and test set"})
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.evaluate_content JOB.json", file=sys.stderr)
        return 2
    try:
        os.nice(19)
    except OSError:
        pass
    from bot.engine.loader import ProjectError

    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    contents = {name: c for name, c in job["contents"].items() if c is not None}
    k = int(job.get("folds") or 5)
    total = len(contents) * (k + 1)
    step = [0]
    _emit({"done": 0, "total": total, "stage": "starting"})
    result: dict[str, Any] = {"candidate": None, "published": None}
    try:
        for name, content in contents.items():
            result[name] = evaluate_one(name, content, job, step, total)
    except ProjectError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    _emit({"result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
