"""Small-number suppression: every 1-4 cell is "<5", and no total with its shown cells can
give a hidden cell away (complementary suppression), also across the report's tables."""

from __future__ import annotations

from datetime import time, timedelta
from itertools import product

from server.services.context import ServiceContext
from server.services.stats import aggregates
from server.services.stats.filters import parse_filter
from server.services.stats.suppression import HIDDEN, SMALL, Line, breakdown, share, suppress
from tests.stats.builder import NOV, Group, insert, rows


def test_one_small_cell_takes_the_smallest_other_with_it() -> None:
    cells, total = breakdown({"a": 30, "b": 3, "c": 12, "d": 0}, 45)
    assert cells == {"a": 30, "b": SMALL, "c": HIDDEN, "d": 0} and total == 45


def test_two_small_cells_are_safe_unless_their_sum_gives_them_away() -> None:
    # 1 + 1 = 2: both must be 1, so a third is hidden.
    cells, _ = breakdown({"a": 1, "b": 1, "c": 20, "d": 30}, 52)
    assert cells == {"a": SMALL, "b": SMALL, "c": HIDDEN, "d": 30}
    # 2 + 3 = 5 could be 1+4, 2+3, 3+2, 4+1: nothing more to hide.
    cells, _ = breakdown({"a": 2, "b": 3, "c": 20}, 25)
    assert cells == {"a": SMALL, "b": SMALL, "c": 20}


def test_nothing_to_pair_with_hides_the_total() -> None:
    cells, total = breakdown({"a": 3, "b": 0}, 3)
    assert cells == {"a": SMALL, "b": 0} and total == SMALL
    cells, total = breakdown({"a": 3, "b": 0, "c": 0}, 8)  # 5 are outside the breakdown
    assert cells["a"] == SMALL and total == HIDDEN


def test_shares_never_reveal_a_small_count() -> None:
    assert share(3, 40) == HIDDEN and share(37, 40) == HIDDEN  # the rest is 3
    assert share(10, 40) == 25.0 and share(0, 40) == 0.0 and share(0, 0) is None
    assert share(SMALL, 40) == HIDDEN


def _revealed(values: dict[object, int], shown: dict[object, object],
              lines: list[Line[object]]) -> list[object]:
    """Cells of `lines` whose value is fixed by the shown cells and the bounds of the marks."""
    out = []
    for line in lines:
        if isinstance(shown[line.total], str):
            continue
        hidden = [k for k in line.parts if isinstance(shown[k], str)]
        if not hidden:
            continue
        ranges = [range(1, 5) if shown[k] == SMALL else range(5, values[line.total] + 1)
                  for k in hidden]
        rest = int(shown[line.total]) - sum(int(shown[k]) for k in line.parts  # type: ignore[call-overload]
                                            if k not in hidden)
        if len(hidden) > 3:
            continue  # brute force only small lines
        solutions = [combo for combo in product(*ranges) if sum(combo) == rest]
        for i, key in enumerate(hidden):
            if len({combo[i] for combo in solutions}) <= 1:
                out.append(key)
    return out


async def test_report_hides_small_cells_and_reveals_none(ctx: ServiceContext) -> None:
    groups = [Group(NOV, time(9, 0), 40, "bot"), Group(NOV, time(10, 0), 3, "staff", waits=(9,)),
              Group(NOV + timedelta(days=1), time(9, 0), 2, "abandoned_queue",
                    municipality="Kuortane"),
              Group(NOV + timedelta(days=2), time(12, 0), 9, "staff", waits=(50,),
                    outcomes=("referred",))]
    await insert(ctx, rows(groups))
    flt = parse_filter({"from": "2026-11-09", "to": "2026-11-15"}, NOV)
    counts = await aggregates.collect(ctx, flt)
    lines = aggregates.lines_for(counts, flt)
    values = dict(counts.values)
    shown = aggregates.suppressed(counts, flt)
    for key, value in values.items():
        if 0 < value < 5:
            assert shown[key] == SMALL, key
        elif isinstance(shown[key], int):
            assert shown[key] == value
    assert _revealed(values, shown, lines) == []  # type: ignore[arg-type]
    report = await aggregates.report(ctx, flt)
    assert report["summary"]["chats"] == 54
    assert report["days"][1]["abandoned_queue"] == SMALL
    assert report["summary"]["abandoned_queue"] == SMALL


def test_suppress_converges_on_a_table() -> None:
    values: dict[tuple[object, ...], int] = {
        ("r", i, j): v for i, row in enumerate([[3, 9, 20], [7, 1, 30]]) for j, v in enumerate(row)}
    values.update({("row", 0): 32, ("row", 1): 38, ("col", 0): 10, ("col", 1): 10,
                   ("col", 2): 50})
    Key = tuple[object, ...]
    lines: list[Line[Key]] = [Line[Key]([("r", i, j) for j in range(3)], ("row", i))
                              for i in range(2)]
    lines += [Line[Key]([("r", i, j) for i in range(2)], ("col", j)) for j in range(3)]
    hidden = suppress(values, lines)
    assert hidden[("r", 0, 0)] == SMALL and hidden[("r", 1, 1)] == SMALL
    shown = {k: hidden.get(k, v) for k, v in values.items()}
    assert _revealed(values, shown, lines) == []  # type: ignore[arg-type]
