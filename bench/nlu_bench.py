"""NLU benchmark: the embedded engine and Rasa's DIET pipeline on the same training data.

    .venv/bin/python bench/nlu_bench.py [DATA.tsv] [--repeat N] [--no-rasa] [--rasa-config FILE]

Prints accuracy, macro F1 and safety recall on the dev set, training time and parse latency
(p50/p99, in-process, single message at a time) for both. Rasa runs in its own Python 3.10
venv (bot/scripts/rasa-venv.sh); if it is missing the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.catalogue import SAFETY_INTENTS  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.engine.evaluate import Item, evaluate, percentile, read_tsv  # noqa: E402
from bot.engine.validate import load_project  # noqa: E402

RASA_VENV = Path(os.environ.get("NEUVO_RASA_VENV") or Path(
    os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neuvo" / "rasa-venv")


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def scores(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred, n_gold = predicted.count(label), gold.count(label)
        prec, rec = (tp / n_pred if n_pred else 0.0), tp / n_gold
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return accuracy, sum(f1s) / len(f1s)


def bench_embedded(items: list[Item], repeat: int) -> dict[str, object]:
    started = time.perf_counter()
    engine = Engine.train(load_project())
    train_s = time.perf_counter() - started
    report = evaluate(engine, items)
    latencies = []
    for _ in range(repeat):
        for item in items:
            t0 = time.perf_counter()
            engine.parse(item.text, item.lang)
            latencies.append((time.perf_counter() - t0) * 1000)
    return {"accuracy": report.accuracy, "macro_f1": report.macro_f1, "safety_recall": report.safety_recall,
            "train_s": train_s, "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def bench_rasa(items: list[Item], data: Path, repeat: int, config: str) -> dict[str, object] | str:
    python = RASA_VENV / "bin" / "python"
    if not python.exists():
        return f"Rasa venv not found at {RASA_VENV} (create it with `make rasa-venv`)"
    cache = RASA_VENV.parent / "rasa-cache"  # Rasa's training cache, outside the repository
    env = {**os.environ, "RASA_CACHE_DIRECTORY": os.environ.get("RASA_CACHE_DIRECTORY", str(cache))}
    done = subprocess.run([str(python), str(REPO / "bench" / "rasa_eval.py"), str(REPO / "bot"), config,
                           str(data), str(repeat)], capture_output=True, text=True, timeout=3600, env=env,
                          cwd=cache.parent)
    if done.returncode != 0:
        return f"Rasa run failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    predicted = result["predictions"]
    gold = [i.intent for i in items]
    accuracy, macro_f1 = scores(gold, predicted)
    safety = [p in SAFETY_INTENTS for g, p in zip(gold, predicted, strict=True) if g in SAFETY_INTENTS]
    return {"accuracy": accuracy, "macro_f1": macro_f1, "safety_recall": sum(safety) / max(1, len(safety)),
            "train_s": result["train_s"], "p50": percentile(result["latencies_ms"], 50),
            "p99": percentile(result["latencies_ms"], 99)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default=str(REPO / "tests" / "bot" / "data" / "nlu-dev.tsv"))
    parser.add_argument("--repeat", type=int, default=20, help="latency passes over the data (default 20)")
    parser.add_argument("--no-rasa", action="store_true", help="skip Rasa DIET")
    parser.add_argument("--rasa-config", default="config.yml",
                        help="pipeline file in bot/ (default config.yml)")
    args = parser.parse_args()
    data = Path(args.data)
    if not data.is_file():
        print(f"nlu_bench: no such file: {data}", file=sys.stderr)
        return 2
    items = read_tsv(data)
    print(f"data: {data} ({len(items)} messages); machine: {os.cpu_count()} CPUs, {cpu_model()}; "
          f"Python {platform.python_version()}")
    rows: list[tuple[str, dict[str, object] | str]] = [("embedded (TF-IDF word+char, LinearSVC)",
                                                        bench_embedded(items, args.repeat))]
    if args.no_rasa:
        rows.append(("Rasa 3.6 DIET", "skipped (--no-rasa)"))
    else:
        rasa = bench_rasa(items, data, args.repeat, args.rasa_config)
        rows.append((f"Rasa 3.6 DIET ({args.rasa_config})", rasa))
    print()
    print("| engine | accuracy | macro F1 | safety recall | train (s) | parse p50 (ms) | parse p99 (ms) |")
    print("|---|---|---|---|---|---|---|")
    for name, result in rows:
        if isinstance(result, str):
            print(f"| {name} | {result} | | | | | |")
        else:
            print(f"| {name} | {result['accuracy']:.3f} | {result['macro_f1']:.3f} | "
                  f"{result['safety_recall']:.3f} | {result['train_s']:.2f} | {result['p50']:.2f} | "
                  f"{result['p99']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
