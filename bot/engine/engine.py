"""NLU for one message: payloads, classifier, fallback thresholds and the safety layer."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from bot.catalogue import FALLBACK_INTENT
from bot.engine.classifier import IntentClassifier
from bot.engine.facts import CountyFacts, load_facts
from bot.engine.normalise import has_letters
from bot.engine.project import Project, content_hash
from bot.engine.safety import SafetySettings, detect, load_safety

log = logging.getLogger(__name__)
MAX_RANKING = 10


@dataclass(frozen=True)
class Parse:
    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    safety: bool = False

    def to_rasa(self, text: str) -> dict[str, Any]:
        """Rasa's /model/parse shape, plus the safety flag."""
        return {
            "text": text,
            "intent": {"name": self.intent, "confidence": round(self.confidence, 4)},
            "intent_ranking": [{"name": n, "confidence": round(c, 4)} for n, c in self.ranking],
            "entities": [],
            "safety": self.safety,
        }


class Engine:
    """A trained, immutable engine; `parse` is thread-safe."""

    def __init__(self, project: Project, classifier: IntentClassifier, safety: SafetySettings,
                 facts: CountyFacts, digest: str, train_seconds: float) -> None:
        self.project = project
        self.classifier = classifier
        self.safety = safety
        self.facts = facts
        self.digest = digest
        self.train_seconds = train_seconds
        self._known = set(project.intents)

    @classmethod
    def train(cls, project: Project) -> Engine:
        started = time.perf_counter()
        classifier = IntentClassifier()
        classifier.fit([e.text for e in project.examples], [e.lang for e in project.examples],
                       [e.intent for e in project.examples])
        seconds = time.perf_counter() - started
        log.info("bot model trained on %d examples in %.2f s", len(project.examples), seconds)
        return cls(project, classifier, load_safety(project.root / "safety.yml"),
                   load_facts(project.root), content_hash(project.root), seconds)

    def parse(self, text: str, lang: str | None = None) -> Parse:
        text = text if isinstance(text, str) else ""
        stripped = text.strip()
        if stripped.startswith("/"):
            return self._payload(stripped)
        if not has_letters(stripped):
            return Parse(FALLBACK_INTENT, 0.0, ())
        ranking = self.classifier.rank(text, lang)
        top = tuple(ranking[:MAX_RANKING])
        safety_intent = detect(self.safety, text, ranking, lambda s: self.classifier.rank(s, lang),
                               self.project.safety_intents)
        if safety_intent is not None:
            confidence = dict(ranking).get(safety_intent, 0.0)
            return Parse(safety_intent, confidence, top, safety=True)
        # Not a safety case (e.g. a guard matched): a safety intent ranked first must not reach
        # the policy, which answers every safety intent with the emergency guidance.
        ranking = [(name, conf) for name, conf in ranking
                   if name not in self.project.safety_intents]
        if not ranking:
            return Parse(FALLBACK_INTENT, 0.0, ())
        best, confidence = ranking[0]
        second = ranking[1][1] if len(ranking) > 1 else 0.0
        if confidence < self.project.threshold or confidence - second < self.project.ambiguity_threshold:
            fallback = ((FALLBACK_INTENT, self.project.threshold), *top[: MAX_RANKING - 1])
            return Parse(FALLBACK_INTENT, self.project.threshold, fallback)
        return Parse(best, confidence, top)

    def _payload(self, text: str) -> Parse:
        """Rasa-style "/intent" payloads (buttons); an unknown one is a fallback."""
        name = text[1:].split("{", 1)[0].strip()
        if name in self._known:
            return Parse(name, 1.0, ((name, 1.0),), safety=name in self.project.safety_intents)
        return Parse(FALLBACK_INTENT, 0.0, ())
