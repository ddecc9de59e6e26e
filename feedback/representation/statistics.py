"""The representation table's arithmetic, pure: counts in (from the database's GROUP BY), figures out.

For each group g of known value, with c_g events in the cohort (C in all) and r_g respondent events (R):

- cohort share c_g / C and respondent share r_g / R (Unknown is in neither C nor R);
- response rate r_g / c_g;
- representation ratio (r_g / R) / (c_g / C): 1 is a fair share of the voices, below 1 fewer;
- a 95% Wilson score interval for the respondent share (scipy.stats.binomtest(...).proportion_ci, method
  "wilson"), which behaves at small counts and at 0 or 100%, where the textbook p ± 1.96 se does not;
- under-represented when the ratio is below 0.8 and the group has at least 10 events in the cohort, or
  when the whole interval lies below the cohort share (then chance alone is an unlikely explanation).

The chi-square goodness-of-fit test (scipy.stats.chisquare) compares the respondents' spread over the
groups with the spread expected if every group answered at the same rate (R × cohort share). Its
approximation needs an expected count of at least 5 in every group (Cochran's rule): below that the page
warns that the counts are too small for the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scipy.stats import binomtest, chisquare

CONFIDENCE = 0.95
RATIO_FLAG = 0.8  # the "four-fifths" rule of thumb for adverse impact
MIN_EVENTS_FOR_RATIO_FLAG = 10
MIN_EXPECTED = 5  # Cochran's rule for the chi-square approximation
SIGNIFICANCE = 0.05


def whole_percent(share: float | None) -> int | None:
    """A share (0 to 1) as a whole percentage, halves rounded up (0.385 -> 39), as reports print them."""
    if share is None:
        return None
    return int((Decimal(repr(share)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent_text(share: float | None) -> str:
    value = whole_percent(share)
    return "–" if value is None else f"{value}%"


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The Wilson score interval for successes/trials; None without trials."""
    if trials <= 0:
        return None
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    cohort: int
    respondents: int
    known: bool  # False for Unknown: counted and shown, never in a share
    cohort_share: float | None
    respondent_share: float | None
    response_rate: float | None
    ratio: float | None
    ci: tuple[float, float] | None
    under_represented: bool

    @property
    def ci_low(self) -> float | None:
        return None if self.ci is None else self.ci[0]

    @property
    def ci_high(self) -> float | None:
        return None if self.ci is None else self.ci[1]

    def ratio_text(self) -> str:
        return "–" if self.ratio is None else f"{Decimal(repr(self.ratio)).quantize(Decimal('0.01'), ROUND_HALF_UP)}"

    def ci_text(self) -> str:
        return "–" if self.ci is None else f"{percent_text(self.ci[0])} to {percent_text(self.ci[1])}"


def group_figures(key: str, label: str, cohort: int, respondents: int, cohort_total: int, respondent_total: int,
                  *, known: bool = True) -> GroupFigures:  # fmt: skip
    """One row of the table from its counts and the totals of known groups."""
    rate = respondents / cohort if cohort else None
    if not known:
        return GroupFigures(key, label, cohort, respondents, False, None, None, rate, None, None, False)
    cohort_share = cohort / cohort_total if cohort_total else None
    respondent_share = respondents / respondent_total if respondent_total else None
    ratio = respondent_share / cohort_share if cohort_share and respondent_share is not None else None
    ci = wilson_interval(respondents, respondent_total)
    flagged = False
    if ratio is not None and ratio < RATIO_FLAG and cohort >= MIN_EVENTS_FOR_RATIO_FLAG:
        flagged = True
    if ci is not None and cohort_share is not None and ci[1] < cohort_share:
        flagged = True
    return GroupFigures(key, label, cohort, respondents, True, cohort_share, respondent_share, rate, ratio, ci, flagged)


@dataclass(frozen=True)
class GoodnessOfFit:
    statistic: float | None
    p_value: float | None
    degrees_of_freedom: int
    smallest_expected: float | None
    too_small: bool  # an expected count below MIN_EXPECTED: the approximation is unreliable

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANCE

    def words(self) -> str:
        """The test in plain English."""
        if self.p_value is None:
            return "There are too few groups or respondents to test the difference."
        verdict = (
            "The difference between the respondents and the cohort is larger than chance would explain"
            if self.significant
            else "The difference between the respondents and the cohort could be chance"
        )
        return f"{verdict} (chi-square test, p = {self.p_value:.3f})."

    def warning(self) -> str | None:
        if not self.too_small:
            return None
        return (
            "The counts are too small for this test to be reliable: at least one group would expect fewer than "
            f"{MIN_EXPECTED} respondents. Read it with care."
        )


def goodness_of_fit(rows: list[GroupFigures]) -> GoodnessOfFit:
    """Chi-square goodness of fit of the respondents against the cohort's shares, over groups of known value
    with at least one event in the cohort."""
    used = [r for r in rows if r.known and r.cohort > 0]
    respondents = sum(r.respondents for r in used)
    if len(used) < 2 or respondents == 0:
        return GoodnessOfFit(None, None, max(len(used) - 1, 0), None, True)
    cohort = sum(r.cohort for r in used)
    expected = [respondents * r.cohort / cohort for r in used]
    result = chisquare([r.respondents for r in used], expected)
    smallest = min(expected)
    return GoodnessOfFit(float(result.statistic), float(result.pvalue), len(used) - 1, smallest,
                         smallest < MIN_EXPECTED)  # fmt: skip


@dataclass(frozen=True)
class Headline:
    """Minority ethnic families among the respondents and in the cohort."""

    respondents: int
    respondent_total: int
    cohort: int
    cohort_total: int

    @property
    def respondent_share(self) -> float | None:
        return self.respondents / self.respondent_total if self.respondent_total else None

    @property
    def cohort_share(self) -> float | None:
        return self.cohort / self.cohort_total if self.cohort_total else None

    def respondents_text(self) -> str:
        return f"{percent_text(self.respondent_share)} ({self.respondents}/{self.respondent_total})"

    def cohort_text(self) -> str:
        return f"{percent_text(self.cohort_share)} ({self.cohort}/{self.cohort_total})"

    def sentence(self) -> str:
        """'Minority ethnic families: 38% of respondents (8/21) compared with 35% of the cohort (21/60)'."""
        if not self.cohort_total:
            return "Minority ethnic families: no events of known ethnicity in this period."
        return (
            f"Minority ethnic families: {percent_text(self.respondent_share)} of respondents "
            f"({self.respondents}/{self.respondent_total}) compared with {percent_text(self.cohort_share)} "
            f"of the cohort ({self.cohort}/{self.cohort_total})"
        )
