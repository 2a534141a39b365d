"""The safety layer: self-harm, violence and child-danger cues win over FAQ answers.

A message is a safety case when (1) a crisis cue (`cues` in bot/safety.yml: what a person in
danger says) matches anywhere in the whole message: always; or, unless a guard matches, (2) the
classifier ranks a safety intent first with at least `classifier_floor` confidence (far below
the fallback threshold), or (3) a topic cue (`topic_cues`: the name of a crisis service or
crime, e.g. "lastensuojelu", "turvakoti") matches, or (4) in a long message, one sentence is
classified as a safety intent with at least `sentence_floor` confidence.

Guards (`guards`) describe talk *about* a subject rather than a crisis: idioms ("tää lomake
tappaa mut"), a relative's death and its paperwork, a resolved past, studies and fiction,
what a service is. A guard never overrides a crisis cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
    topic_cues: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    guards: tuple[re.Pattern[str], ...] = ()
    classifier_floor: float = 0.15
    sentence_floor: float = 0.5


def load_safety(path: Path) -> SafetySettings:
    """Read and compile bot/safety.yml; raises ValueError naming the bad cue."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    guards = _compile(path, "guards", doc.get("guards") or [])
    return SafetySettings(cues=_by_intent(path, doc.get("cues")),
                          topic_cues=_by_intent(path, doc.get("topic_cues")), guards=guards,
                          classifier_floor=float(doc.get("classifier_floor", 0.15)),
                          sentence_floor=float(doc.get("sentence_floor", 0.5)))


def _by_intent(path: Path, section: object) -> dict[str, tuple[re.Pattern[str], ...]]:
    cues: dict[str, tuple[re.Pattern[str], ...]] = {}
    for intent, patterns in (section if isinstance(section, dict) else {}).items():
        if intent not in SAFETY_INTENTS:
            raise ValueError(f"{path.name}: '{intent}' is not a safety intent")
        cues[intent] = _compile(path, intent, patterns or [])
    return cues


def _compile(path: Path, name: str, patterns: list[object]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as exc:
            raise ValueError(f"{path.name}: bad cue for {name}: {pattern!r}: {exc}") from exc
    return tuple(compiled)


def _matching(cues: dict[str, tuple[re.Pattern[str], ...]], folded: str) -> list[str]:
    return [intent for intent, patterns in cues.items() if any(p.search(folded) for p in patterns)]


def cue_intents(settings: SafetySettings, text: str) -> list[str]:
    """Safety intents whose crisis cues occur anywhere in the (whole) message."""
    return _matching(settings.cues, fold(clean(text, limit=None)))


def guarded(settings: SafetySettings, text: str) -> bool:
    """Whether a guard matches: talk about a subject (idiom, bereavement, studies), not a crisis."""
    folded = fold(clean(text, limit=None))
    return any(g.search(folded) for g in settings.guards)


def detect(settings: SafetySettings, text: str, ranking: Ranking,
           rank_sentence: Callable[[str], Ranking] | None = None,
           safety_intents: frozenset[str] = frozenset(SAFETY_INTENTS)) -> str | None:
    """The safety intent to act on, or None. `safety_intents`: the catalogue's and those an
    editor marked (the cues in safety.yml exist for the catalogue's only)."""
    folded = fold(clean(text, limit=None))
    scores = dict(ranking)
    matched = _matching(settings.cues, folded)
    if ranking and ranking[0][0] in matched:
        return ranking[0][0]
    if matched:
        return max(matched, key=lambda intent: scores.get(intent, 0.0))
    if any(g.search(folded) for g in settings.guards):
        return None
    if ranking:
        top, confidence = ranking[0]
        if top in safety_intents and confidence >= settings.classifier_floor:
            return top
    topics = _matching(settings.topic_cues, folded)
    if topics:
        return max(topics, key=lambda intent: scores.get(intent, 0.0))
    if rank_sentence is not None:
        return _sentence_safety(settings, text, rank_sentence, safety_intents)
    return None


def _sentence_safety(settings: SafetySettings, text: str,
                     rank_sentence: Callable[[str], Ranking],
                     safety_intents: frozenset[str] = frozenset(SAFETY_INTENTS)) -> str | None:
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) < 2:
        return None
    for sentence in sentences[:MAX_SENTENCES]:
        ranked = rank_sentence(sentence)
        if ranked and ranked[0][0] in safety_intents and ranked[0][1] >= settings.sentence_floor:
            return ranked[0][0]
    return None
