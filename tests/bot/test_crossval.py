"""The editor's cross-validation (bot/engine/crossval.py): stratified, seeded folds and the
scoring shared with the dev-set evaluation (the fallback is not a confusion)."""

from __future__ import annotations

from bot.catalogue import FALLBACK_INTENT
from bot.engine.crossval import _score, folds
from bot.engine.evaluate import Report, score
from bot.engine.loader import Example


def examples() -> list[Example]:
    out = []
    for intent, n_fi, n_sv in (("greet", 10, 5), ("thanks", 7, 2), ("food_aid", 3, 0)):
        out += [Example(intent, f"{intent} fi {i}", "fi", "f", i) for i in range(n_fi)]
        out += [Example(intent, f"{intent} sv {i}", "sv", "f", i) for i in range(n_sv)]
    return out


def test_folds_are_stratified_seeded_and_cover_everything_once() -> None:
    parts = folds(examples(), 5)
    assert sorted(e.text for part in parts for e in part) == sorted(e.text for e in examples())
    for part in parts:  # 10 fi greetings over 5 folds: 2 in each
        assert sum(1 for e in part if e.intent == "greet" and e.lang == "fi") == 2
    assert [[e.text for e in p] for p in parts] == [[e.text for e in p] for p in folds(examples(), 5)]
    # an intent with fewer examples than folds is spread over as many folds as it has
    assert sum(1 for part in parts if any(e.intent == "food_aid" for e in part)) == 3


def test_scores_and_the_fallback_is_not_a_confusion() -> None:
    gold = ["greet", "greet", "thanks", "thanks"]
    predicted = ["greet", FALLBACK_INTENT, "greet", "thanks"]
    report = _score(gold, predicted)
    assert report.accuracy == 0.5
    assert report.per_intent["greet"][:2] == (0.5, 0.5)  # precision, recall
    assert report.confused == [("thanks", "greet", 1)]
    plain = Report(n=4)
    score(plain, gold, predicted)
    assert ("greet", FALLBACK_INTENT, 1) in plain.confused
