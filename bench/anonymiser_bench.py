"""Anonymiser figures: planted values removed and keep strings intact on pii-dev.jsonl,
person-name token precision/recall on the Turku NER dev split, throughput on one core.

    .venv/bin/python bench/anonymiser_bench.py [--pii bench/data/pii-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.privacy import Anonymiser, morphology, tagger

HERE = Path(__file__).resolve().parent


def pii_figures(path: Path, anonymiser: Anonymiser) -> tuple[Counter[str], Counter[str], int, int, list[str]]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    keep_ok = keep_all = 0
    misses: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        masked, _ = anonymiser.mask(row["text"], row["lang"])
        for pii in row["pii"]:
            kind = "NAME" if pii["type"] == "NAME" else "structured"
            total[kind] += 1
            if pii["value"] not in masked:
                found[kind] += 1
            else:
                misses.append(f"{pii['type']} {pii['value']!r}")
        for keep in row["keep"]:
            keep_all += 1
            keep_ok += keep in masked
    return found, total, keep_ok, keep_all, misses


def ner_figures(path: Path, morph: bool) -> tuple[float, float, int]:
    """PER token precision/recall of the Finnish tagger with Voikko's classes (`morph`) or of
    the fallback model without them (at the threshold each is used with)."""
    tp = fp = fn = 0
    sents = tagger.read_conll(path.read_text(encoding="utf-8").splitlines())
    model = tagger.model(morph)
    limit = tagger.THRESHOLDS["fi"] if morph else tagger.THRESHOLD
    for words, gold in sents:
        probs = model.clf.predict_proba(model.hasher.transform(
            [tagger.features(words, i, morph) for i in range(len(words))]))[:, 1]
        for score, g in zip(probs, gold, strict=True):
            pred = score >= limit
            tp += pred and g
            fp += pred and not g
            fn += (not pred) and g
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp + fn


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pii", type=Path, default=HERE / "data" / "pii-dev.jsonl")
    parser.add_argument("--ner", type=Path, default=HERE / "data" / "turku-ner-dev.tsv")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    anonymiser = Anonymiser()
    started = time.perf_counter()
    anonymiser.find("lämmitys")  # load or train the name model
    if not morphology.available():
        raise SystemExit("Voikko is not installed (deploy/dev/ensure-voikko.sh)")
    load_s = time.perf_counter() - started
    found, total, keep_ok, keep_all, misses = pii_figures(args.pii, anonymiser)
    precision, recall, per_tokens = ner_figures(args.ner, True)
    fb_precision, fb_recall, _ = ner_figures(args.ner, False)
    texts = [json.loads(x)["text"] for x in args.pii.read_text(encoding="utf-8").splitlines()] * 20
    started = time.perf_counter()
    for text in texts:
        anonymiser.mask(text)
    rate = len(texts) / (time.perf_counter() - started)
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    print(f"Anonymiser bench, {date.today()}, {cpu}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print("| measure | value | aim |\n|---|---|---|")
    print(f"| structured values removed ({args.pii.name}) | {found['structured']}/{total['structured']} "
          f"({100 * found['structured'] / max(total['structured'], 1):.1f} %) | 100 % |")
    print(f"| names removed ({args.pii.name}) | {found['NAME']}/{total['NAME']} "
          f"({100 * found['NAME'] / max(total['NAME'], 1):.1f} %) | ≥ 95 % |")
    print(f"| keep strings intact | {keep_ok}/{keep_all} | all |")
    print(f"| Turku NER dev, PER token precision / recall ({per_tokens} PER tokens), with Voikko | "
          f"{precision:.3f} / {recall:.3f} | P ≥ 0.80 at R ≥ 0.90 |")
    print(f"| the same, fallback model without Voikko | {fb_precision:.3f} / {fb_recall:.3f} | |")
    print(f"| throughput, one core | {rate:.0f} texts/s | |")
    print(f"| name model load (cached) or training (first use) | {load_s:.1f} s | |")
    for miss in misses:
        print("missed:", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
