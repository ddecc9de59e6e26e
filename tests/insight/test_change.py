"""The two-proportion z-test behind "larger than chance would explain": pure, checked against hand sums."""

from __future__ import annotations

import math

import pytest

from feedback.insight.figures.change import two_proportion_test, whole_percent


def test_a_large_change_on_large_samples_is_more_than_chance():
    # 80/100 against 60/100: pooled p = 0.7, SE = sqrt(0.7 * 0.3 * (1/100 + 1/100)) = 0.0648, z = 3.086.
    change = two_proportion_test(80, 100, 60, 100)
    assert change.z == pytest.approx(0.2 / math.sqrt(0.7 * 0.3 * 0.02))
    assert change.z == pytest.approx(3.086, abs=0.001)
    assert change.p_value == pytest.approx(0.00203, abs=0.00005)
    assert change.significant
    assert change.points == pytest.approx(20.0)
    assert change.words() == "Up 20 points: larger than chance would explain"


def test_the_same_change_on_small_samples_could_be_chance():
    # 18/24 against 12/24: pooled 0.625, SE = 0.1398, z = 1.789 (p = 0.074): not at 95%.
    change = two_proportion_test(18, 24, 12, 24)
    assert change.z == pytest.approx(1.789, abs=0.001)
    assert change.p_value == pytest.approx(0.0736, abs=0.0005)
    assert not change.significant
    assert change.words() == "Up 25 points: could be chance"


def test_a_fall_is_described_as_down():
    change = two_proportion_test(30, 100, 60, 100)
    assert change.z < 0 and change.significant
    assert change.words() == "Down 30 points: larger than chance would explain"
    assert two_proportion_test(1, 3, 2, 3).words() == "Down 34 points: could be chance"  # 33% against 67%


def test_the_threshold_is_1_96():
    # Find counts either side of |z| = 1.96 with n = 400 each: 0.5 against 0.5 + d.
    below = two_proportion_test(200 + 27, 400, 200, 400)  # z = 1.91
    above = two_proportion_test(200 + 28, 400, 200, 400)  # z = 1.98
    assert abs(below.z) < 1.96 < abs(above.z)
    assert not below.significant and above.significant


def test_zero_answers_on_either_side_cannot_be_compared():
    for change in (two_proportion_test(0, 0, 5, 10), two_proportion_test(5, 10, 0, 0), two_proportion_test(0, 0, 0, 0)):
        assert not change.comparable and not change.significant
        assert change.z is None and change.points is None
        assert change.words() == "Cannot compare: no answers in one of the periods"


def test_everyone_or_nobody_agreeing_in_both_periods_is_no_change():
    for change in (two_proportion_test(10, 10, 7, 7), two_proportion_test(0, 10, 0, 7)):
        assert change.z == 0.0 and not change.significant
        assert change.words() == "No change"


def test_zero_agree_against_all_agree_is_more_than_chance():
    change = two_proportion_test(0, 20, 20, 20)
    assert change.significant and change.words() == "Down 100 points: larger than chance would explain"


def test_points_are_the_difference_of_the_percentages_shown():
    # 75% (18/24) shown against 67% (12/18): "Up 8 points", though 75 - 66.67 is 8.33.
    assert two_proportion_test(18, 24, 12, 18).words().startswith("Up 8 points")
    assert two_proportion_test(51, 100, 50, 100).words() == "Up 1 point: could be chance"
    assert two_proportion_test(1001, 2000, 1000, 2000).words() == "Less than 1 point: could be chance"


def test_whole_percent_rounds_halves_up():
    assert whole_percent(5, 8) == 63  # 62.5
    assert whole_percent(1, 8) == 13  # 12.5
    assert whole_percent(1, 3) == 33 and whole_percent(2, 3) == 67


@pytest.mark.parametrize("args", [(5, 4, 1, 2), (-1, 4, 1, 2), (1, 2, 3, 2), (1, -2, 0, 0)])
def test_impossible_counts_are_refused(args):
    with pytest.raises(ValueError):
        two_proportion_test(*args)
