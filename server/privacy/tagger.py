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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sklearn
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import SGDClassifier

from server.privacy import morphology

log = logging.getLogger(__name__)
DATA = Path(__file__).parent / "data" / "turku-ner-train.tsv.gz"
VERSION = "3"
THRESHOLD = 0.5
# Finnish text gets a lower threshold: Voikko's name classes make its scores reliable there
# (Turku NER dev: precision 0.75, recall 0.76 at 0.4; README, Privacy). Swedish and English
# words are unknown to Voikko and keep 0.5.
THRESHOLDS = {"fi": 0.4}
FIRST_WORD_THRESHOLD = 0.85
_TOKEN = re.compile(r"[\wÅÄÖåäöÉéÜü'-]+|[^\w\s]")
_SENTENCE = re.compile(r".+?(?:[.!?]+(?=\s)|$)", re.S)
_lock = threading.Lock()
_models: dict[bool, NameModel] = {}


@dataclass(frozen=True)
class NameModel:
    hasher: FeatureHasher
    clf: SGDClassifier
    morph: bool  # trained with Voikko's word classes


def _shape(word: str) -> str:
    s = re.sub(r"[A-ZÅÄÖÉÜ]", "A", word)
    s = re.sub(r"[a-zåäöéü]", "a", s)
    s = re.sub(r"\d", "9", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _morph(word: str, morph: bool) -> list[str]:
    """Voikko's classes as features: each class, whether every reading is a person name,
    and "unknown" for a word Voikko does not know (often a foreign name)."""
    if not morph:
        return []
    found = morphology.classes(word)
    if not found:
        return ["vk=?"]
    return [f"vk={c}" for c in sorted(found)] + [f"vkonly={found <= morphology.NAME_CLASSES}"]


def features(words: list[str], i: int, morph: bool = False) -> list[str]:
    w = words[i]
    lw = w.lower()
    f = [f"w={lw}", f"sh={_shape(w)}", f"s2={lw[-2:]}", f"s3={lw[-3:]}", f"s4={lw[-4:]}",
         f"p3={lw[:3]}", f"cap={w[:1].isupper()}", f"first={i == 0}", f"len={min(len(w), 12)}"]
    f += _morph(w, morph)
    for d in (-2, -1, 1, 2):
        j = i + d
        o = words[j].lower() if 0 <= j < len(words) else "<s>"
        f.append(f"w{d}={o}")
        if d in (-1, 1) and 0 <= j < len(words):
            f += [f"sh{d}={_shape(words[j])}", f"s3{d}={o[-3:]}"]
            f += [f"{d}{x}" for x in _morph(words[j], morph)]
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


def train(sents: list[tuple[list[str], list[int]]], morph: bool = False) -> NameModel:
    rng = random.Random(13)
    feats: list[list[str]] = []
    y: list[int] = []
    for words, tags in sents:
        variants = [words] + ([[w.lower() for w in words]] if rng.random() < 0.33 else [])
        for ws in variants:
            feats += [features(ws, i, morph) for i in range(len(ws))]
            y += tags
    hasher = FeatureHasher(n_features=2**20, input_type="string", alternate_sign=False)
    clf = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=13,
                        average=True, class_weight={0: 1, 1: 3})
    clf.fit(hasher.transform(feats), y)
    return NameModel(hasher, clf, morph)


def _cache_path(morph: bool) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]
    kind = "vk" if morph else "novk"
    return (Path(base) / "neuvo" / "privacy"
            / f"names-{key}-v{VERSION}-{kind}-sk{sklearn.__version__}.pkl")


def uses_morphology(lang: str) -> bool:
    """Finnish text is tagged with Voikko's classes when Voikko is installed; Swedish and
    English words are unknown to it, so they (and every text without Voikko) get the model
    trained without them."""
    return lang == "fi" and morphology.available()


def model(morph: bool | None = None) -> NameModel:
    """The model with Voikko's features (`morph`), or the one without; default: Finnish."""
    wanted = uses_morphology("fi") if morph is None else morph
    with _lock:
        if wanted not in _models:
            _models[wanted] = _load(wanted)
        return _models[wanted]


def warm_up() -> None:
    """Load (or train and cache) every model the anonymiser may use."""
    model(False)
    if morphology.available():
        model(True)


def _load(morph: bool) -> NameModel:
    path = _cache_path(morph)
    if path.exists():
        try:
            with path.open("rb") as fh:
                loaded = pickle.load(fh)  # our own cache file
            if isinstance(loaded, NameModel):
                return loaded
            log.warning("name model cache of another version; retraining")
        except Exception as exc:  # stale or corrupt: retrain
            log.warning("name model cache unreadable (%s); retraining", type(exc).__name__)
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        trained = train(read_conll(fh.readlines()), morph)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(trained, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        log.warning("cannot write name model cache (%s)", exc)
    return trained


def token_scores(words: list[str], lang: str = "fi") -> list[float]:
    if not words:
        return []
    m = model(uses_morphology(lang))
    probs: Any = m.clf.predict_proba(m.hasher.transform(
        [features(words, i, m.morph) for i in range(len(words))]))
    return [float(p) for p in probs[:, 1]]


def threshold(lang: str) -> float:
    return THRESHOLDS.get(lang, THRESHOLD) if uses_morphology(lang) else THRESHOLD


def find(text: str, lang: str = "fi") -> list[tuple[str, int, int]]:
    """NAME spans: runs of tokens the model scores as person names."""
    limit = threshold(lang)
    toks: list[tuple[str, int, int]] = []
    scores: list[float] = []
    # Sentence by sentence, as in the corpus: a capital after "." is not a name by itself.
    for sentence in _SENTENCE.finditer(text):
        part = [(m.group(0), sentence.start() + m.start(), sentence.start() + m.end())
                for m in _TOKEN.finditer(sentence.group(0))]
        toks += part
        part_scores = token_scores([t[0] for t in part], lang)
        if part_scores:  # an unknown capitalised first word is more often a noun than a name
            part_scores[0] = part_scores[0] if part_scores[0] >= FIRST_WORD_THRESHOLD else 0.0
        scores += part_scores
    spans: list[tuple[str, int, int]] = []
    for (word, start, end), score in zip(toks, scores, strict=True):
        if score < limit or not word[0].isalpha() or len(word) < 2:
            continue
        if spans and text[spans[-1][2]:start].strip() == "":
            spans[-1] = ("NAME", spans[-1][1], end)
        else:
            spans.append(("NAME", start, end))
    return spans
