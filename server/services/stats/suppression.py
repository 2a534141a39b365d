"""Small-number suppression with complementary suppression.

Every count cell from 1 to 4 is shown as "<5" (primary). A table is a set of cells and
*lines*: parts that add up to a total which is also shown somewhere (a day's chats to the
day's total, a column to the column's total, a breakdown to the period's total). Whenever
the shown cells of a line would pin down a hidden cell exactly (the total minus the others,
or the only combination possible with the bounds "<5" gives away), the smallest other part
is hidden too (shown as ".."); when there is none, the total is hidden. This is repeated
until no line reveals anything. Zero is shown: an empty cell describes nobody.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

THRESHOLD = 5
SMALL = "<5"  # primary: 1-4
HIDDEN = ".."  # complementary: hidden so that a small number cannot be worked out

K = TypeVar("K", bound=Hashable)
Shown = int | str


@dataclass(frozen=True)
class Line(Generic[K]):
    parts: Sequence[K]
    total: K


def small(value: int) -> bool:
    return 0 < value < THRESHOLD


def _exposed(values: dict[K, int], hidden: dict[K, str], parts: Sequence[K], total: int) -> bool:
    """Whether the line's visible parts and total fix one hidden part to a single value."""
    known = sum(values[k] for k in parts if k not in hidden)
    rest = total - known
    bounds = [(1, THRESHOLD - 1) if hidden[k] == SMALL else (THRESHOLD, 10**12)
              for k in parts if k in hidden]
    if len(bounds) == 1:
        return True
    low_sum = sum(lo for lo, _ in bounds)
    high_sum = sum(hi for _, hi in bounds)
    for lo, hi in bounds:
        low = max(lo, rest - (high_sum - hi))
        high = min(hi, rest - (low_sum - lo))
        if low >= high:
            return True
    return False


def suppress(values: dict[K, int], lines: Sequence[Line[K]]) -> dict[K, str]:
    """The hidden cells and their marks (SMALL or HIDDEN)."""
    hidden: dict[K, str] = {k: SMALL for k, v in values.items() if small(v)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line.total in hidden or not any(k in hidden for k in line.parts):
                continue
            if not _exposed(values, hidden, line.parts, values[line.total]):
                continue
            candidates = sorted((values[k], str(k), k) for k in line.parts
                                if k not in hidden and values[k] > 0)
            target = candidates[0][2] if candidates else line.total
            hidden[target] = SMALL if small(values[target]) else HIDDEN
            changed = True
    return hidden


def shown(values: dict[K, int], hidden: dict[K, str]) -> dict[K, Shown]:
    return {k: hidden.get(k, v) for k, v in values.items()}


def share(part: Shown, whole: Shown) -> float | str | None:
    """part / whole in per cent (one decimal), or HIDDEN when either count is hidden or the
    rest (whole - part) is a small number that the share would give away; None for 0/0."""
    if isinstance(part, str) or isinstance(whole, str):
        return HIDDEN
    if whole == 0:
        return None
    if small(part) or small(whole - part) or small(whole):
        return HIDDEN
    return round(100.0 * part / whole, 1)


def points(now: float | str | None, before: float | str | None) -> float | str | None:
    """The change in percentage points, hidden when either share is."""
    if isinstance(now, str) or isinstance(before, str):
        return HIDDEN
    if now is None or before is None:
        return None
    return round(now - before, 1)


def breakdown(counts: dict[str, int], total: int) -> tuple[dict[str, Shown], Shown]:
    """A one-way breakdown that adds up to `total` (shown): cells and the total as shown."""
    values: dict[str, int] = {**counts, "\0total": total}
    hidden = suppress(values, [Line(list(counts), "\0total")])
    out = shown(values, hidden)
    grand = out.pop("\0total")
    return out, grand
