"""The inbox grouped by similarity: paraphrases of one question land in one group.

Texts are normalised as for the duplicate check (lower case, diacritics folded, spoken
Finnish forms mapped to the standard ones by the bot engine's normaliser), equal texts are
merged first, then TF-IDF over character n-grams (3–5, within words: robust to typos,
inflection and compounds) and average-linkage clustering on cosine similarity with a
threshold. The CPU work runs in a worker thread; scikit-learn is imported only here, when
an editor asks. At most MAX_ITEMS items (the newest matching the filters) are grouped.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.engine.normalise import clean, fold, tokens
from server.services.content import inbox_query
from server.services.content.inbox import item_json, matching
from server.services.content.inbox_capture import normalised
from server.services.context import ServiceContext
from server.store.models import aware

MAX_ITEMS = 1000
SIMILARITY = 0.3  # average cosine similarity within a group, at least (tuned on paraphrases)


def _prepared(text: str) -> str:
    return " ".join(tokens(fold(clean(text, limit=None)))) or normalised(text)


def cluster(texts: list[str], threshold: float = SIMILARITY) -> list[list[int]]:
    """Indices of `texts` in groups (largest first; equal texts always together)."""
    keys = [normalised(t) for t in texts]
    unique: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        unique.setdefault(key, []).append(index)
    members = list(unique.values())
    if len(members) < 2:
        return members
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    docs = [_prepared(texts[m[0]]) for m in members]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                              lowercase=False).fit_transform(docs)
    distance = 1.0 - cosine_similarity(vectors)
    distance[distance < 0] = 0.0
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=1.0 - threshold).fit_predict(distance)
    groups: dict[int, list[int]] = {}
    for label, indices in zip(labels, members, strict=True):
        groups.setdefault(int(label), []).extend(indices)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def representative(texts: list[str], group: list[int]) -> int:
    """The member most like the others (the medoid); ties: the shortest text."""
    if len(group) <= 2:
        return min(group, key=lambda i: (len(texts[i]), i))
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    docs = [_prepared(texts[i]) for i in group]
    try:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(docs)
    except ValueError:  # no n-grams at all (texts without words)
        return group[0]
    score = cosine_similarity(vectors).sum(axis=1)
    best = max(range(len(group)), key=lambda k: (float(score[k]), -len(texts[group[k]])))
    return group[best]


def _grouped(texts: list[str]) -> list[tuple[list[int], int]]:
    return [(g, representative(texts, g)) for g in cluster(texts)]


async def groups(ctx: ServiceContext, params: inbox_query.Params) -> dict[str, Any]:
    """`{"groups": [{"key", "count", "first_at", "last_at", "representative", "intents",
    "langs", "items"}], "items", "total", "truncated"}`, largest group first."""
    total, rows = await matching(ctx, inbox_query.parse(params, paging=False), MAX_ITEMS)
    texts = [r.text for r in rows]
    found = await asyncio.to_thread(_grouped, texts) if rows else []
    out: list[dict[str, Any]] = []
    for members, rep in found:
        items = [rows[i] for i in members]
        stamps = [aware(i.created_at) for i in items]
        intents: dict[str, int] = {}
        for item in items:
            intents[item.intent or ""] = intents.get(item.intent or "", 0) + 1
        out.append({
            "key": min(int(i.id or 0) for i in items), "count": len(items),
            "first_at": min(s for s in stamps if s).isoformat(),
            "last_at": max(s for s in stamps if s).isoformat(),
            "representative": item_json(rows[rep]),
            "intents": intents, "langs": sorted({i.lang for i in items}),
            "items": [item_json(i) for i in sorted(items, key=lambda i: -(i.id or 0))]})
    out.sort(key=lambda g: str(g["last_at"]), reverse=True)  # newest first …
    out.sort(key=lambda g: -int(g["count"]))  # … within the same size, largest first
    return {"groups": out, "items": len(rows), "total": total, "truncated": total > len(rows)}
