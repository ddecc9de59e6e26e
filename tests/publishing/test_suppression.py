"""Small-number suppression (feedback.publishing.suppression), pure: the rules, and an exact integer search
(SciPy's MILP) that no hidden count can be worked out from what is shown, on hand-made and random tables."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from feedback.publishing.suppression import (
    LOW_MAX,
    MIN_BASE,
    SECONDARY_MIN,
    Bound,
    Hidden,
    Ratio,
    suppress,
)

BIG = 10**6


def with_total(*parts: int) -> list[int]:
    return [*parts, sum(parts)]


def exact_range(values, published, pairs, has_total, key) -> tuple[int, int]:
    """The lowest and highest value the cell `key` can take in any table of non-negative integers that shows
    what `published` shows, by the rules a reader knows (hidden 1-4, hidden secondary >= 5, sums, bounds)."""
    keys = [(row, c) for row in values for c in range(len(values[row]))]
    index = {k: i for i, k in enumerate(keys)}
    lower, upper = np.zeros(len(keys)), np.full(len(keys), BIG, dtype=float)
    for (row, c), i in index.items():
        cell = published.cells[row][c]
        if cell.shown:
            lower[i] = upper[i] = cell.value
        elif cell.hidden == Hidden.LOW:
            lower[i], upper[i] = 1, LOW_MAX
        elif cell.hidden == Hidden.SECONDARY:
            lower[i] = SECONDARY_MIN
    rows, lo, hi = [], [], []
    columns = len(next(iter(values.values())))
    if has_total:
        for row in values:
            a = np.zeros(len(keys))
            a[index[row, columns - 1]] = 1
            for c in range(columns - 1):
                a[index[row, c]] = -1
            rows.append(a)
            lo.append(0)
            hi.append(0)
    for small, large in pairs:
        for c in range(columns):
            a = np.zeros(len(keys))
            a[index[small, c]] = 1
            a[index[large, c]] = -1
            rows.append(a)
            lo.append(-np.inf)
            hi.append(0)
    constraints = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
    found = []
    for sign in (1, -1):
        objective = np.zeros(len(keys))
        objective[index[key]] = sign
        result = milp(objective, constraints=constraints, integrality=np.ones(len(keys)), bounds=Bounds(lower, upper))
        assert result.success, result.message
        found.append(round(result.x[index[key]]))
    return found[0], found[1]


def assert_nothing_recoverable(values, published, ratios=(), bounds=(), has_total=True):
    pairs = [(r.numerator, r.denominator) for r in ratios] + [(b.lower, b.upper) for b in bounds]
    for row, cells in published.cells.items():
        zero_row = has_total and cells[-1].shown and cells[-1].value == 0  # the total says every count is 0
        for c, cell in enumerate(cells):
            if cell.shown:
                assert not (1 <= cell.value <= LOW_MAX), f"{row}[{c}] = {cell.value} is shown"
                continue
            if zero_row:
                assert values[row][c] == 0
                continue
            low, high = exact_range(values, published, pairs, has_total, (row, c))
            assert low < high, f"{row}[{c}] can be worked out: it is {low} ({published.cells})"
            assert low <= values[row][c] <= high


# ---------------------------------------------------------------- the rules


def test_a_count_from_one_to_four_is_hidden_as_low_and_zero_is_shown():
    published = suppress({"answers": [0, 1, 4, 5]}, has_total=False)
    assert [c.hidden for c in published.cells["answers"]] == [None, Hidden.LOW, Hidden.LOW, None]
    assert [c.value for c in published.cells["answers"]] == [0, None, None, 5]


def test_four_respondents_is_fewer_than_five():
    published = suppress({"answered": [4]}, has_total=False)
    assert published.cells["answered"][0] == published.cells["answered"][0].__class__(None, Hidden.LOW)


def test_no_percentage_from_fewer_than_ten_answers():
    ratio = Ratio("agree", "answered")
    published = suppress({"agree": [7], "answered": [9]}, [ratio], has_total=False)
    assert published.cells["answered"][0].value == 9  # the count itself may be shown
    assert published.cells["agree"][0].hidden == Hidden.BASE  # but not what would give the percentage away
    assert published.percent(ratio, 0) is None
    published = suppress({"agree": [7], "answered": [10]}, [ratio], has_total=False)
    assert published.percent(ratio, 0) == 70.0


def test_a_low_numerator_hides_the_percentage():
    ratio = Ratio("agree", "answered")
    published = suppress({"agree": [3], "answered": [30]}, [ratio], has_total=False)
    assert published.cells["agree"][0].hidden == Hidden.LOW
    assert published.percent(ratio, 0) is None


def test_none_of_none_is_shown_as_it_is():
    ratio = Ratio("agree", "answered")
    published = suppress({"agree": [0], "answered": [0]}, [ratio], has_total=False)
    assert published.cells["agree"][0].shown and published.percent(ratio, 0) is None


def test_one_hidden_quarter_and_a_shown_year_hides_another_quarter():
    values = {"answered": with_total(3, 20, 30, 40)}
    published = suppress(values)
    cells = published.cells["answered"]
    assert cells[0].hidden == Hidden.LOW
    assert cells[1].hidden == Hidden.SECONDARY  # the smallest other quarter
    assert cells[2].shown and cells[3].shown and cells[4].shown
    assert_nothing_recoverable(values, published)


def test_two_low_quarters_that_sum_to_two_are_protected():
    # 1 + 1 = 2: both would be pinned to 1 (each is at least 1) without more hidden.
    values = {"answered": with_total(1, 1, 30, 40)}
    published = suppress(values)
    assert_nothing_recoverable(values, published)
    assert sum(not c.shown for c in published.cells["answered"]) >= 3


def test_a_low_year_with_a_low_quarter_and_zeros_is_not_given_away():
    values = {"answered": with_total(3, 0, 0, 0)}
    published = suppress(values)
    assert_nothing_recoverable(values, published)


def test_rows_bound_to_each_other_are_protected_together():
    # Families who answered (respondents) bound answers to a statement: a hidden quarter of one row must not be
    # pinned through the other.
    ratios = [Ratio("agree", "answered"), Ratio("responded", "asked")]
    bounds = [Bound("answered", "responded")]
    values = {
        "asked": with_total(12, 30, 25, 0),
        "responded": with_total(3, 12, 10, 0),
        "answered": with_total(3, 12, 9, 0),
        "agree": with_total(2, 9, 8, 0),
    }
    published = suppress(values, ratios, bounds)
    assert_nothing_recoverable(values, published, ratios, bounds)


def test_the_last_column_must_be_the_total():
    with pytest.raises(ValueError):
        suppress({"answered": [1, 2, 4]})


# ---------------------------------------------------------------- many random tables


def random_table(rng: random.Random) -> dict[str, list[int]]:
    quarters = rng.choice([1, 2, 3, 4])
    asked, responded, answered, agree = [], [], [], []
    for _ in range(quarters):
        a = rng.choice([0, rng.randint(1, 6), rng.randint(5, 40)])
        r = rng.randint(0, a)
        n = rng.randint(max(0, r - 3), r)
        g = rng.randint(0, n)
        asked.append(a)
        responded.append(r)
        answered.append(n)
        agree.append(g)
    return {k: with_total(*v) for k, v in
            {"asked": asked, "responded": responded, "answered": answered, "agree": agree}.items()}  # fmt: skip


def survey_table(rng: random.Random, statements: int) -> tuple[dict[str, list[int]], list[Ratio], list[Bound]]:
    """A survey's year as the results page publishes it: families asked and answering, and for each statement
    the answers and the agreeing answers, by quarter and for the year."""
    quarters = 4
    asked = [rng.choice([0, rng.randint(1, 6), rng.randint(5, 30)]) for _ in range(quarters)]
    responded = [rng.randint(0, a) for a in asked]
    values = {"asked": with_total(*asked), "responded": with_total(*responded)}
    ratios, bounds = [Ratio("responded", "asked")], []
    for s in range(statements):
        answered = [rng.randint(max(0, r - 2), r) for r in responded]
        values[f"answered{s}"] = with_total(*answered)
        values[f"agree{s}"] = with_total(*[rng.randint(0, n) for n in answered])
        ratios.append(Ratio(f"agree{s}", f"answered{s}"))
        bounds.append(Bound(f"answered{s}", "responded"))
    return values, ratios, bounds


@pytest.mark.parametrize("seed", range(15))
def test_whole_survey_tables_keep_every_hidden_count_hidden(seed):
    rng = random.Random(1000 + seed)
    values, ratios, bounds = survey_table(rng, statements=3)
    published = suppress(values, ratios, bounds)
    assert_nothing_recoverable(values, published, ratios, bounds)


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(seed):
    rng = random.Random(seed)
    ratios = [Ratio("agree", "answered"), Ratio("responded", "asked")]
    bounds = [Bound("answered", "responded")]
    for _ in range(5):
        values = random_table(rng)
        published = suppress(values, ratios, bounds)
        assert_nothing_recoverable(values, published, ratios, bounds)
        for column in range(len(values["asked"])):
            for ratio in ratios:
                percent = published.percent(ratio, column)
                if percent is not None:
                    assert values[ratio.denominator][column] >= MIN_BASE
                    assert not (1 <= values[ratio.numerator][column] <= LOW_MAX)
