"""The safety layer: self-harm, violence and child-danger cues win over FAQ answers.

A message is a safety case when (1) the classifier ranks a safety intent first with at least
`classifier_floor` confidence (far below the fallback threshold), or (2) a cue from
bot/safety.yml matches anywhere in the whole message, or (3) in a long message, one sentence
is classified as a safety intent with at least `sentence_floor` confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalogue import SAFETY_INTENTS
from bot.engine.normalise import clean, fold

Ranking = Sequence[tuple[str, float]]
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+")
MAX_SENTENCES = 24


@dataclass(frozen=True)
class SafetySettings:
    cues: dict[str, tuple[re.Pattern[str], ...]]
    classifier_floor: float = 0.15
    sentence_floor: float = 0.5


def load_safety(path: Path) -> SafetySettings:
    """Read and compile bot/safety.yml; raises ValueError naming the bad cue."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cues: dict[str, tuple[re.Pattern[str], ...]] = {}
    for intent, patterns in (doc.get("cues") or {}).items():
        if intent not in SAFETY_INTENTS:
            raise ValueError(f"{path.name}: '{intent}' is not a safety intent")
        compiled = []
        for pattern in patterns or []:
            try:
                compiled.append(re.compile(str(pattern)))
            except re.error as exc:
                raise ValueError(f"{path.name}: bad cue for {intent}: {pattern!r}: {exc}") from exc
        cues[intent] = tuple(compiled)
    return SafetySettings(cues=cues, classifier_floor=float(doc.get("classifier_floor", 0.15)),
                          sentence_floor=float(doc.get("sentence_floor", 0.5)))


def cue_intents(settings: SafetySettings, text: str) -> list[str]:
    """Safety intents whose cues occur anywhere in the (whole) message."""
    folded = fold(clean(text, limit=None))
    return [intent for intent, patterns in settings.cues.items()
            if any(p.search(folded) for p in patterns)]


def detect(settings: SafetySettings, text: str, ranking: Ranking,
           rank_sentence: Callable[[str], Ranking] | None = None) -> str | None:
    """The safety intent to act on, or None."""
    if ranking:
        top, confidence = ranking[0]
        if top in SAFETY_INTENTS and confidence >= settings.classifier_floor:
            return top
    matched = cue_intents(settings, text)
    if matched:
        scores = dict(ranking)
        return max(matched, key=lambda intent: scores.get(intent, 0.0))
    if rank_sentence is not None:
        return _sentence_safety(settings, text, rank_sentence)
    return None


def _sentence_safety(settings: SafetySettings, text: str,
                     rank_sentence: Callable[[str], Ranking]) -> str | None:
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) < 2:
        return None
    for sentence in sentences[:MAX_SENTENCES]:
        ranked = rank_sentence(sentence)
        if ranked and ranked[0][0] in SAFETY_INTENTS and ranked[0][1] >= settings.sentence_floor:
            return ranked[0][0]
    return None
