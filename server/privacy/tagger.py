"""Person-name token tagger: a linear model (scikit-learn) on word-shape, suffix and context
features, trained on the PER tags of the Turku NER corpus (CC BY-SA 4.0, see data/README.md).

Trained at first use (a few seconds) and cached as a pickle keyed by the data, the feature
version and the scikit-learn version, like the bot model. A third of the sentences are also
seen lower-cased so that "eetu virtaselle" is found without capitals.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import pickle
import random
import re
import threading
from pathlib import Path
from typing import Any

import sklearn
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import SGDClassifier

log = logging.getLogger(__name__)
DATA = Path(__file__).parent / "data" / "turku-ner-train.tsv.gz"
VERSION = "2"
THRESHOLD = 0.5
FIRST_WORD_THRESHOLD = 0.85
_TOKEN = re.compile(r"[\wÅÄÖåäöÉéÜü'-]+|[^\w\s]")
_SENTENCE = re.compile(r".+?(?:[.!?]+(?=\s)|$)", re.S)
_lock = threading.Lock()
_model: tuple[FeatureHasher, SGDClassifier] | None = None


def _shape(word: str) -> str:
    s = re.sub(r"[A-ZÅÄÖÉÜ]", "A", word)
    s = re.sub(r"[a-zåäöéü]", "a", s)
    s = re.sub(r"\d", "9", s)
    return re.sub(r"(.)\1+", r"\1", s)


def features(words: list[str], i: int) -> list[str]:
    w = words[i]
    lw = w.lower()
    f = [f"w={lw}", f"sh={_shape(w)}", f"s2={lw[-2:]}", f"s3={lw[-3:]}", f"s4={lw[-4:]}",
         f"p3={lw[:3]}", f"cap={w[:1].isupper()}", f"first={i == 0}", f"len={min(len(w), 12)}"]
    for d in (-2, -1, 1, 2):
        j = i + d
        o = words[j].lower() if 0 <= j < len(words) else "<s>"
        f.append(f"w{d}={o}")
        if d in (-1, 1) and 0 <= j < len(words):
            f += [f"sh{d}={_shape(words[j])}", f"s3{d}={o[-3:]}"]
    return f


def read_conll(lines: list[str]) -> list[tuple[list[str], list[int]]]:
    sents: list[tuple[list[str], list[int]]] = []
    words: list[str] = []
    tags: list[int] = []
    for line in [*lines, ""]:
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 2 and parts[0] != "-DOCSTART-":
            words.append(parts[0])
            tags.append(int(parts[1].endswith("PER")))
        elif words:
            sents.append((words, tags))
            words, tags = [], []
    return sents


def train(sents: list[tuple[list[str], list[int]]]) -> tuple[FeatureHasher, SGDClassifier]:
    rng = random.Random(13)
    feats: list[list[str]] = []
    y: list[int] = []
    for words, tags in sents:
        variants = [words] + ([[w.lower() for w in words]] if rng.random() < 0.33 else [])
        for ws in variants:
            feats += [features(ws, i) for i in range(len(ws))]
            y += tags
    hasher = FeatureHasher(n_features=2**20, input_type="string", alternate_sign=False)
    clf = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=13,
                        average=True, class_weight={0: 1, 1: 3})
    clf.fit(hasher.transform(feats), y)
    return hasher, clf


def _cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]
    return Path(base) / "neuvo" / "privacy" / f"names-{key}-v{VERSION}-sk{sklearn.__version__}.pkl"


def model() -> tuple[FeatureHasher, SGDClassifier]:
    global _model
    with _lock:
        if _model is None:
            _model = _load()
        return _model


def _load() -> tuple[FeatureHasher, SGDClassifier]:
    path = _cache_path()
    if path.exists():
        try:
            with path.open("rb") as fh:
                loaded: tuple[FeatureHasher, SGDClassifier] = pickle.load(fh)  # our own cache file
            return loaded
        except Exception as exc:  # stale or corrupt: retrain
            log.warning("name model cache unreadable (%s); retraining", type(exc).__name__)
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        trained = train(read_conll(fh.readlines()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(trained, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        log.warning("cannot write name model cache (%s)", exc)
    return trained


def token_scores(words: list[str]) -> list[float]:
    if not words:
        return []
    hasher, clf = model()
    probs: Any = clf.predict_proba(hasher.transform([features(words, i) for i in range(len(words))]))
    return [float(p) for p in probs[:, 1]]


def find(text: str) -> list[tuple[str, int, int]]:
    """NAME spans: runs of tokens the model scores as person names."""
    toks: list[tuple[str, int, int]] = []
    scores: list[float] = []
    # Sentence by sentence, as in the corpus: a capital after "." is not a name by itself.
    for sentence in _SENTENCE.finditer(text):
        part = [(m.group(0), sentence.start() + m.start(), sentence.start() + m.end())
                for m in _TOKEN.finditer(sentence.group(0))]
        toks += part
        part_scores = token_scores([t[0] for t in part])
        if part_scores:  # an unknown capitalised first word is more often a noun than a name
            part_scores[0] = part_scores[0] if part_scores[0] >= FIRST_WORD_THRESHOLD else 0.0
        scores += part_scores
    spans: list[tuple[str, int, int]] = []
    for (word, start, end), score in zip(toks, scores, strict=True):
        if score < THRESHOLD or not word[0].isalpha() or len(word) < 2:
            continue
        if spans and text[spans[-1][2]:start].strip() == "":
            spans[-1] = ("NAME", spans[-1][1], end)
        else:
            spans.append(("NAME", start, end))
    return spans
