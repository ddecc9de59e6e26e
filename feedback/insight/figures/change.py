"""Is a change in % agree larger than chance would explain? A two-proportion z-test, pure and small.

Two independent samples: `agree_now` of `answered_now` agreed this period, `agree_before` of
`answered_before` then. Under "nothing changed" both share one proportion, estimated from both samples
together (the pooled proportion p). The difference divided by its standard error under that hypothesis,
sqrt(p(1-p)(1/n1 + 1/n2)), is approximately standard normal; at 95% confidence a change is larger than
chance would explain when |z| exceeds 1.96 (NormalDist().inv_cdf(0.975)), that is when the two-sided
p-value is below 0.05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95


def whole_percent(agree: int, answered: int) -> int:
    """As surveys.definitions.Score shows it: the nearest whole per cent, halves rounded up."""
    return (200 * agree + answered) // (2 * answered)


@dataclass(frozen=True)
class Change:
    """The change from one period to another and what the test says about it."""

    agree_now: int
    answered_now: int
    agree_before: int
    answered_before: int
    z: float | None  # None when there is nothing to compare
    p_value: float | None
    significant: bool  # larger than chance would explain, at CONFIDENCE

    @property
    def comparable(self) -> bool:
        return self.answered_now > 0 and self.answered_before > 0

    @property
    def points(self) -> float | None:
        """Change in % agree, in percentage points (now minus before)."""
        if not self.comparable:
            return None
        return 100.0 * (self.agree_now / self.answered_now - self.agree_before / self.answered_before)

    @property
    def rounded_points(self) -> int | None:
        """Points as the page shows them: the difference of the two whole percentages shown side by side."""
        if not self.comparable:
            return None
        return whole_percent(self.agree_now, self.answered_now) - whole_percent(self.agree_before, self.answered_before)

    def direction(self) -> str:
        """'Up 8 points', 'Down 3 points', 'No change' or '' when there is nothing to compare."""
        points = self.rounded_points
        if points is None:
            return ""
        if points == 0:
            return "No change" if self.points == 0 else "Less than 1 point"
        word = "Up" if points > 0 else "Down"
        return f"{word} {abs(points)} point{'s' if abs(points) != 1 else ''}"

    def verdict(self) -> str:
        """In plain words whether the change is larger than chance would explain."""
        if not self.comparable:
            return "Cannot compare: no answers in one of the periods"
        if self.points == 0:
            return "No change"
        if self.significant:
            return "larger than chance would explain"
        return "could be chance"

    def words(self) -> str:
        """'Up 8 points: larger than chance would explain', 'Down 2 points: could be chance'."""
        if not self.comparable or self.points == 0:
            return self.verdict()
        return f"{self.direction()}: {self.verdict()}"


def two_proportion_test(
    agree_now: int, answered_now: int, agree_before: int, answered_before: int, *, confidence: float = CONFIDENCE
) -> Change:
    """Two-proportion z-test with the pooled proportion. Zero answers on either side: not comparable."""
    for agree, answered in ((agree_now, answered_now), (agree_before, answered_before)):
        if answered < 0 or agree < 0 or agree > answered:
            raise ValueError(f"agree must be between 0 and answered, got {agree}/{answered}")
    if answered_now == 0 or answered_before == 0:
        return Change(agree_now, answered_now, agree_before, answered_before, None, None, False)
    p_now, p_before = agree_now / answered_now, agree_before / answered_before
    pooled = (agree_now + agree_before) / (answered_now + answered_before)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / answered_now + 1 / answered_before))
    if standard_error == 0:  # everyone agreed in both periods, or nobody did: no change at all
        return Change(agree_now, answered_now, agree_before, answered_before, 0.0, 1.0, False)
    z = (p_now - p_before) / standard_error
    normal = NormalDist()
    p_value = 2 * (1 - normal.cdf(abs(z)))
    critical = normal.inv_cdf(1 - (1 - confidence) / 2)
    return Change(agree_now, answered_now, agree_before, answered_before, z, p_value, abs(z) > critical)
