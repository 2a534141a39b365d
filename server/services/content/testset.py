"""The county's own test set: messages its residents really write, with the intent each
should get (`lang<TAB>intent<TAB>text`, one per line; a `lang intent text` header is
allowed). Evaluations score the draft and the published version on it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete

from bot.catalogue import FALLBACK_INTENT
from server import vocabulary
from server.services.content import store
from server.services.context import ServiceContext
from server.services.errors import InvalidInput, TooLarge
from server.store.models import utcnow
from server.store.models_review import ContentTestset

TESTSET_ID = 1
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_TEXT = 500
MAX_PROBLEMS = 20
LANGS = vocabulary.LANGS
_INTENT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Testset:
    items: list[tuple[str, str, str]]
    digest: str
    uploaded_by: str
    uploaded_at: str

    def summary(self) -> dict[str, Any]:
        by_lang = {lang: sum(1 for item in self.items if item[0] == lang) for lang in LANGS}
        return {"rows": len(self.items), "by_lang": by_lang, "digest": self.digest,
                "uploaded_by": self.uploaded_by, "uploaded_at": self.uploaded_at}


def parse(raw: bytes, intents: set[str]) -> list[tuple[str, str, str]]:
    """The rows of an uploaded test set; refuses the whole file, naming the lines, if any row
    is wrong."""
    if len(raw) > MAX_BYTES:
        raise TooLarge(f"the test set is over {MAX_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the test set must be UTF-8 text") from None
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    known = intents | {FALLBACK_INTENT}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("\t")]
        if number == 1 and parts[:2] == ["lang", "intent"]:
            continue
        problem = _row_problem(parts, known)
        if problem:
            problems.append(f"line {number}: {problem}")
            continue
        rows.append((parts[0], parts[1], parts[2]))
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise InvalidInput("the test set was not saved: " + "; ".join(problems[:MAX_PROBLEMS])
                           + (f"; and {more} more" if more > 0 else ""))
    if not rows:
        raise InvalidInput("the test set has no rows (lang<TAB>intent<TAB>text)")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"the test set has {len(rows)} rows; at most {MAX_ROWS}")
    return rows


def _row_problem(parts: list[str], known: set[str]) -> str | None:
    if len(parts) != 3:
        return f"expected lang<TAB>intent<TAB>text, got {len(parts)} fields"
    lang, intent, text = parts
    if lang not in LANGS:
        return f"the language must be fi, sv or en, not {lang[:10]!r}"
    if not _INTENT.match(intent):
        return "the intent name may have only a-z, 0-9 and _"
    if intent not in known:
        return f"no intent '{intent}' in the draft"
    if not text or len(text) > MAX_TEXT:
        return f"the text must be 1-{MAX_TEXT} characters"
    if any(ord(ch) < 32 for ch in text):
        return "the text has control characters"
    return None


async def save(ctx: ServiceContext, staff: str, raw: bytes) -> dict[str, Any]:
    draft = await store.read_draft(ctx)
    rows = parse(raw, set(draft.content["intents"]))
    canonical = "\n".join("\t".join(row) for row in rows)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:24]
    async with ctx.db.write() as session:
        await session.execute(delete(ContentTestset))
        session.add(ContentTestset(id=TESTSET_ID, text=canonical, digest=digest, rows=len(rows),
                                   uploaded_by=staff, uploaded_at=utcnow()))
    found = await current(ctx)
    assert found is not None
    return found.summary()


async def remove(ctx: ServiceContext) -> None:
    async with ctx.db.write() as session:
        await session.execute(delete(ContentTestset))


async def current(ctx: ServiceContext) -> Testset | None:
    async with ctx.db.read() as session:
        row = await session.get(ContentTestset, TESTSET_ID)
    if row is None:
        return None
    items = [tuple(line.split("\t", 2)) for line in row.text.splitlines()]
    return Testset([(a, b, c) for a, b, c in items], row.digest, row.uploaded_by,
                   store.iso(row.uploaded_at))


async def summary(ctx: ServiceContext) -> dict[str, Any] | None:
    found = await current(ctx)
    return None if found is None else found.summary()
