"""Small numbers in public tables: which counts and percentages may be published (pure; no database, no Flask).

The rules (REFERENCE.md, "Publishing small numbers"; DESIGN section 9):

1. Primary: a count from 1 to 4 is shown as "fewer than 5" (zero is shown: it is not a small group of people).
2. Base: no percentage from fewer than 10 (answers, or families asked). The numerator of such a percentage is not
   shown either, since it and the denominator would give the percentage away.
3. Secondary: a hidden count must not be recoverable from what is shown. A table's columns are parts (quarters)
   and their total (the year), and the total is the sum of the parts, so a single hidden quarter is the year minus
   the others; rows are tied too (agreeing answers <= answers <= families who answered <= families asked). While
   any hidden count can be pinned to one value, another shown non-zero part of its row is hidden as well: in a
   quarter already hidden in another row if there is one (tied rows then hide the same quarters and their totals
   can stay), else the smallest; when no part is left, the total.

What a reader knows of each hidden count: 1 to 4 when it says "fewer than 5"; at least 5 when it is hidden only
to protect another (those are never 1 to 4); 0 up to its denominator when its base is too small; and every row sum
and row-to-row bound. A hidden count is recoverable when those leave it one possible value. Intervals narrowed by
the sums and bounds find most such counts quickly; an exact integer search (SciPy's MILP, imported only when a
table has hidden counts) then finds those only a combination of rows gives away (for example, agreeing answers
hidden in two quarters can add up to no more than the answers hidden there). The tests check the outcome with a
search of their own.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LOW_MIN, LOW_MAX = 1, 4  # "fewer than 5"
SECONDARY_MIN = LOW_MAX + 1  # a count hidden to protect another is never one of 1 to 4 (those are primary)
MIN_BASE = 10  # no percentage from fewer than 10
_ROUNDS = 200  # propagation rounds: far more than a table of a few rows ever needs
_BIG = 10**7  # "no upper limit" for the integer search

Key = tuple[str, int]  # (row, column)


class Hidden(enum.StrEnum):
    LOW = "low"  # 1 to 4: "fewer than 5"
    BASE = "base"  # a numerator whose percentage would rest on fewer than 10
    SECONDARY = "secondary"  # hidden so that another hidden count cannot be worked out


@dataclass(frozen=True)
class Cell:
    value: int | None  # None when not published
    hidden: Hidden | None = None

    @property
    def shown(self) -> bool:
        return self.hidden is None


@dataclass(frozen=True)
class Ratio:
    """`numerator` is published as a percentage of `denominator` (numerator <= denominator, column by column)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Bound:
    """`lower` <= `upper` in every column, with no percentage published (answers <= families who answered)."""

    lower: str
    upper: str


@dataclass(frozen=True)
class Published:
    cells: dict[str, list[Cell]]
    ratios: tuple[Ratio, ...]
    has_total: bool

    def percent(self, ratio: Ratio, column: int) -> float | None:
        """The percentage to publish, or None."""
        numerator, denominator = self.cells[ratio.numerator][column], self.cells[ratio.denominator][column]
        if not (numerator.shown and denominator.shown) or denominator.value < MIN_BASE:
            return None
        return 100.0 * numerator.value / denominator.value


def _pairs(ratios: Sequence[Ratio], bounds: Sequence[Bound]) -> list[tuple[str, str]]:
    return [(r.numerator, r.denominator) for r in ratios] + [(b.lower, b.upper) for b in bounds]


def intervals(
    values: Mapping[str, Sequence[int]],
    hidden: Mapping[Key, Hidden],
    pairs: Sequence[tuple[str, str]],
    has_total: bool,
) -> dict[Key, tuple[float, float]]:
    """What a reader can know of every count from what is shown: (lowest, highest) possible value."""
    columns = len(next(iter(values.values())))
    box: dict[Key, tuple[float, float]] = {}
    for row, row_values in values.items():
        for column, value in enumerate(row_values):
            reason = hidden.get((row, column))
            if reason is None:
                box[row, column] = (value, value)
            elif reason == Hidden.LOW:
                box[row, column] = (LOW_MIN, LOW_MAX)
            elif reason == Hidden.SECONDARY:
                box[row, column] = (SECONDARY_MIN, math.inf)
            else:
                box[row, column] = (0, math.inf)
    for _ in range(_ROUNDS):
        before = dict(box)
        for lower, upper in pairs:  # lower <= upper, column by column
            for column in range(columns):
                lo_a, hi_a = box[lower, column]
                lo_b, hi_b = box[upper, column]
                box[lower, column] = (lo_a, min(hi_a, hi_b))
                box[upper, column] = (max(lo_b, lo_a), hi_b)
        if has_total:
            for row in values:
                _narrow_sum(box, row, columns)
        if box == before:
            break
    return box


def _protected(values, hidden: Mapping[Key, Hidden], has_total: bool) -> list[Key]:
    """The hidden counts to protect: all of them, except in a row whose total is shown as 0 (every count in it is
    then 0, as the published total already says, and a count of nobody identifies nobody)."""
    if not has_total:
        return list(hidden)
    return [key for key in hidden if not ((key[0], len(values[key[0]]) - 1) not in hidden and values[key[0]][-1] == 0)]


def _narrow_sum(box: dict[Key, tuple[float, float]], row: str, columns: int) -> None:
    """total = sum of the parts: each narrows the others."""
    total, parts = columns - 1, range(columns - 1)
    lows = [box[row, c][0] for c in parts]
    highs = [box[row, c][1] for c in parts]
    lo_t, hi_t = box[row, total]
    lo_t, hi_t = max(lo_t, sum(lows)), min(hi_t, sum(highs))
    box[row, total] = (lo_t, hi_t)
    for c in parts:
        lo, hi = box[row, c]
        box[row, c] = (max(lo, lo_t - (sum(highs) - highs[c])), min(hi, hi_t - (sum(lows) - lows[c])))


def recoverable(
    values: Mapping[str, Sequence[int]], hidden: Mapping[Key, Hidden], pairs: Sequence[tuple[str, str]], has_total
) -> list[Key]:
    """Hidden counts a reader could pin to one value, by narrowing intervals."""
    box = intervals(values, hidden, pairs, has_total)
    return [key for key in _protected(values, hidden, has_total) if box[key][0] == box[key][1]]


def _reader_model(values, hidden, pairs, has_total):
    """The reader's knowledge as an integer programme: variable bounds and linear constraints."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint

    keys = [(row, c) for row, row_values in values.items() for c in range(len(row_values))]
    index = {key: i for i, key in enumerate(keys)}
    lower, upper = np.zeros(len(keys)), np.full(len(keys), float(_BIG))
    for key, i in index.items():
        reason = hidden.get(key)
        if reason is None:
            lower[i] = upper[i] = values[key[0]][key[1]]
        elif reason == Hidden.LOW:
            lower[i], upper[i] = LOW_MIN, LOW_MAX
        elif reason == Hidden.SECONDARY:
            lower[i] = SECONDARY_MIN
    columns = len(next(iter(values.values())))
    rows = []
    if has_total:
        for row in values:
            a = np.zeros(len(keys))
            a[index[row, columns - 1]] = 1
            for c in range(columns - 1):
                a[index[row, c]] = -1
            rows.append((a, 0.0, 0.0))
    for small, large in pairs:
        for c in range(columns):
            a = np.zeros(len(keys))
            a[index[small, c]], a[index[large, c]] = 1, -1
            rows.append((a, -np.inf, 0.0))
    constraints = []
    if rows:
        constraints.append(LinearConstraint(np.array([r[0] for r in rows]), [r[1] for r in rows], [r[2] for r in rows]))
    return index, Bounds(lower, upper), constraints


def pinned_exactly(values, hidden: Mapping[Key, Hidden], pairs, has_total: bool) -> list[Key]:
    """Hidden counts that only one value fits, by an exact integer search over what is shown."""
    if not hidden:
        return []
    import numpy as np
    from scipy.optimize import milp

    index, bounds, constraints = _reader_model(values, hidden, pairs, has_total)
    integrality = np.ones(len(index))
    pinned = []
    for key in _protected(values, hidden, has_total):
        true = values[key[0]][key[1]]
        for sign in (-1.0, 1.0):  # the largest value it could take, then the smallest
            objective = np.zeros(len(index))
            objective[index[key]] = sign
            result = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
            if result.success and round(result.x[index[key]]) != true:
                break  # another value fits: it cannot be worked out
        else:
            pinned.append(key)
    return pinned


def _apply_base(values, hidden: dict[Key, Hidden], ratios: Sequence[Ratio]) -> None:
    """A numerator is hidden where its denominator is hidden or below MIN_BASE (and not zero: 0 of 0 is shown)."""
    for ratio in ratios:
        for column, denominator in enumerate(values[ratio.denominator]):
            key = (ratio.numerator, column)
            if denominator == 0 or hidden.get(key) is not None:
                continue
            if (ratio.denominator, column) in hidden or denominator < MIN_BASE:
                hidden[key] = Hidden.BASE


def _next_to_hide(values, hidden, row: str, has_total: bool) -> Key | None:
    """A shown non-zero part of the row, preferring a column already hidden in another row (so that tied rows
    hide the same quarters, and their totals can stay) and then the smallest; else the row's total."""
    columns = len(values[row])
    parts = list(range(columns - 1)) if has_total else list(range(columns))
    hidden_columns = {c for _, c in hidden}
    candidates = [
        (c not in hidden_columns, values[row][c], c) for c in parts if (row, c) not in hidden and values[row][c] > 0
    ]
    if candidates:
        return (row, min(candidates)[2])
    total = (row, columns - 1)
    if has_total and total not in hidden and values[row][columns - 1] > 0:
        return total
    return None


def _partner_cells(key: Key, pairs: Sequence[tuple[str, str]], hidden) -> list[Key]:
    """Shown cells of rows bound to this one, in the same column (a last resort when its own row has none)."""
    row, column = key
    rows = [b for a, b in pairs if a == row] + [a for a, b in pairs if b == row]
    return [(r, column) for r in rows if (r, column) not in hidden]


def _choose(values, hidden, exposed: list[Key], pairs, has_total: bool) -> Key:
    """The next count to hide: from the row of an exposed count when its row has one left, else from a row bound
    to it in the same column."""
    for key in exposed:
        target = _next_to_hide(values, hidden, key[0], has_total)
        if target is not None:
            return target
    for key in exposed:
        partners = _partner_cells(key, pairs, hidden)
        if partners:
            return partners[0]
    raise RuntimeError(f"cannot protect {exposed[0]}: nothing left to hide")  # never seen: the tests look for it


def suppress(
    values: Mapping[str, Sequence[int]],
    ratios: Sequence[Ratio] = (),
    bounds: Sequence[Bound] = (),
    has_total: bool = True,
) -> Published:
    """Apply the rules to a table of counts: rows of equal length whose last column is the sum of the others
    (when `has_total`). Returns what may be published, cell by cell."""
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1:
        raise ValueError("every row needs the same number of columns")
    if has_total:
        for row, row_values in values.items():
            if sum(row_values[:-1]) != row_values[-1]:
                raise ValueError(f"row {row!r}: the last column must be the sum of the others")
    pairs = _pairs(ratios, bounds)
    hidden: dict[Key, Hidden] = {
        (row, column): Hidden.LOW
        for row, row_values in values.items()
        for column, value in enumerate(row_values)
        if LOW_MIN <= value <= LOW_MAX
    }
    _apply_base(values, hidden, ratios)
    for _ in range(sum(lengths) * len(values) + 1):
        # Row sums alone first: those pins are the source of most others, and are fixed in their own row.
        exposed = (
            recoverable(values, hidden, (), has_total)
            or recoverable(values, hidden, pairs, has_total)
            or pinned_exactly(values, hidden, pairs, has_total)
        )
        if not exposed:
            break
        hidden[_choose(values, hidden, exposed, pairs, has_total)] = Hidden.SECONDARY
        _apply_base(values, hidden, ratios)
    cells = {
        row: [
            Cell(None, hidden[(row, column)]) if (row, column) in hidden else Cell(value)
            for column, value in enumerate(row_values)
        ]
        for row, row_values in values.items()
    }
    return Published(cells, tuple(ratios), has_total)
