"""Finnish morphology for the name tagger, from Voikko (Debian's `libvoikko1` and `voikko-fi`,
Python binding `libvoikko`).

Voikko knows the proper-noun classes of Finnish words in every inflected form: "Virtaselle" is
a form of the surname Virtanen, "Mikolla" of the first name Mikko, "Helsingissä" of a place.
The tagger uses these classes as features. Without the system library the tagger falls back
to a model trained without them (`available()` is False; the README gives both figures).
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)
NAME_CLASSES = frozenset({"etunimi", "sukunimi"})
_lock = threading.Lock()  # a Voikko handle is not safe to share between threads
_voikko: Any = None
_tried = False


def _handle() -> Any:
    global _voikko, _tried
    if not _tried:
        _tried = True
        try:
            import libvoikko

            _voikko = libvoikko.Voikko("fi")
        except Exception as exc:  # no binding, no libvoikko.so.1 or no Finnish dictionary
            log.warning("Finnish morphology (Voikko) unavailable (%s); the name tagger uses "
                        "its fallback model", type(exc).__name__)
            _voikko = None
    return _voikko


def available() -> bool:
    with _lock:
        return _handle() is not None


@lru_cache(maxsize=200_000)
def classes(word: str) -> frozenset[str]:
    """Voikko's word classes of `word` ("etunimi", "sukunimi", "paikannimi", "nimisana", …);
    empty for an unknown word or without Voikko."""
    if not word[:1].isalpha() or len(word) > 40:
        return frozenset()
    with _lock:
        handle = _handle()
        if handle is None:
            return frozenset()
        return frozenset(str(a.get("CLASS")) for a in handle.analyze(word) if a.get("CLASS"))
