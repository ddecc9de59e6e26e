"""The representation arithmetic, pure (no database): rounding, the flag's two rules, Unknown out of every share,
the chi-square reading, the headline, and the weighted % agree with its design effect, against hand computation."""

from __future__ import annotations

import pytest

from feedback.representation.attributes import ATTRIBUTES, ethnic_group
from feedback.representation.counts import GroupCount
from feedback.representation.statistics import goodness_of_fit, group_figures, whole_percent
from feedback.representation.table import minority_headline, table_rows
from feedback.representation.weighted import weighted_percent


def test_percentages_round_half_up():
    assert [whole_percent(x) for x in (0.385, 0.125, 0.005, 0.994, 2 / 3)] == [39, 13, 1, 99, 67]
    assert whole_percent(None) is None


def test_ethnic_groups_split_white_and_keep_unknown_apart():
    assert [ethnic_group(c) for c in ("WBRI", "WIRI", "WROM", "CHNE", "OOTH", "BCRB", "MWAS")] == [
        "white_british", "white_other", "white_other", "asian", "other", "black", "mixed"]  # fmt: skip
    assert {ethnic_group(c) for c in ("REFU", "NOBT", None, "")} == {"unknown"}


def test_unknown_never_enters_a_share():
    counts = {"white_british": GroupCount(6, 3), "asian": GroupCount(4, 1), "unknown": GroupCount(90, 80)}
    rows = {r.key: r for r in table_rows(ATTRIBUTES["ethnicity"], counts)}
    assert rows["white_british"].cohort_share == 6 / 10 and rows["white_british"].respondent_share == 3 / 4
    assert rows["unknown"].cohort_share is None and rows["unknown"].respondent_share is None
    assert rows["unknown"].ratio is None and rows["unknown"].ci is None and not rows["unknown"].under_represented
    assert rows["unknown"].response_rate == 80 / 90  # its own response rate is still shown
    headline = minority_headline(counts)
    assert (headline.respondents, headline.respondent_total, headline.cohort, headline.cohort_total) == (1, 4, 4, 10)
    only_unknown = minority_headline({"unknown": GroupCount(5, 2)})
    assert only_unknown.sentence() == "Minority ethnic families: no events of known ethnicity in this period."


def test_the_flag_by_ratio_needs_ten_events():
    # ratio (1/20)/(9/100) = 0.556 < 0.8 with 9 events: not flagged by the ratio; Wilson 1/20 is 0.9% to 23.6%,
    # not wholly below 9%: not flagged at all. With 10 events: flagged.
    assert not group_figures("asian", "Asian", 9, 1, 100, 20).under_represented
    assert group_figures("asian", "Asian", 10, 1, 100, 20).under_represented


def test_the_flag_by_interval_alone():
    # 5 of 38 events (13.2%), too few for the ratio rule; 10 of 1,000 respondents (1.0%, Wilson 0.5% to 1.8%):
    # the whole interval lies below 13.2%.
    row = group_figures("black", "Black", 5, 10, 38, 1000)
    assert row.ratio < 0.8 and row.cohort < 10 and row.ci[1] < row.cohort_share
    assert row.under_represented


def test_chi_square_reads_in_plain_english_and_warns_on_small_counts():
    big = [group_figures("a", "A", 500, 100, 1000, 300), group_figures("b", "B", 500, 200, 1000, 300)]
    test = goodness_of_fit(big)
    # expected 150 each; (50² + 50²)/150 = 33.33, 1 degree of freedom
    assert test.statistic == pytest.approx(100 / 3) and test.significant and not test.too_small
    assert test.words().startswith("The difference between the respondents and the cohort is larger than chance")
    small = goodness_of_fit([group_figures("a", "A", 5, 2, 10, 3), group_figures("b", "B", 5, 1, 10, 3)])
    assert small.too_small and "could be chance" in small.words() and "too small" in small.warning()
    assert goodness_of_fit([group_figures("a", "A", 5, 0, 5, 0)]).p_value is None


def test_weighted_percent_and_design_effect_by_hand():
    # White British: 30 of 40 agree (75%), cohort share 0.6; Asian: 5 of 10 (50%), share 0.3; Black: no answers,
    # share 0.1, left out. Weighted = (0.6·75 + 0.3·50) / 0.9 = 66.67%. Raw: 35/50 = 70%.
    # deff = N Σ W²/n / (Σ W)² = 50 (0.36/40 + 0.09/10) / 0.81 = 50 · 0.018 / 0.81 = 1.1111
    percent, deff, left_out = weighted_percent(
        {"white_british": (30, 40), "asian": (5, 10), "black": (0, 0), "unknown": (9, 9)},
        {"white_british": 0.6, "asian": 0.3, "black": 0.1},
    )
    assert percent == pytest.approx(66.6666667) and deff == pytest.approx(1.1111111) and left_out == ["black"]
    assert weighted_percent({}, {"asian": 1.0}) == (None, None, ["asian"])
