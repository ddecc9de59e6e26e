"""% agree post-stratified by ethnic group: what the figure would be if every group answered in proportion to
its share of the cohort.

For a statement, each ethnic group g of known value with at least one answer has its own % agree p_g
(n_g agree of N_g answered). The weighted figure is sum(W_g p_g) / sum(W_g), W_g being the group's share of
the survey's cohort (events in the period). Groups with no answers cannot be weighted up from nothing and
are left out (the page names them); Unknown ethnicity has no cohort share and is left out too.

Weighting costs precision. Kish's design effect, deff = N sum(W_g^2 / N_g) / (sum W_g)^2, says how much:
the weighted figure is as precise as a simple random sample of N / deff answers.

The answers are counted by the ethnicity recorded with each response (Response.ethnicity, the child's at the
time of answering, copied onto each of its answers as Answer.ethnicity), by the database: answers grouped by
survey, statement, choice and DfE code, with no join.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from feedback.core.extensions import db
from feedback.insight.figures.counts import in_period
from feedback.insight.periods import Period
from feedback.models import Answer
from feedback.representation.attributes import ATTRIBUTES, ETHNIC_GROUPS, UNKNOWN, ethnic_group
from feedback.representation.counts import add_up, group_counts
from feedback.representation.remembered import remembered
from feedback.representation.statistics import whole_percent
from feedback.surveys.definitions import SURVEYS, score

METHOD_NOTE = (
    "Weighted: each ethnic group’s % agree weighted by the group’s share of the families surveyed (the cohort), "
    "so that groups who answer less count as much as they would if everyone answered; the design effect says "
    "how much precision the weighting costs (1.25: as precise as a fifth fewer answers)."
)


@dataclass(frozen=True)
class Weighted:
    percent: float | None  # None: no group with both answers and a cohort share
    design_effect: float | None
    left_out: tuple[str, ...]  # labels of groups in the cohort with no answers to this statement

    def text(self) -> str:
        if self.percent is None:
            return "–"
        return f"{whole_percent(self.percent / 100)}%"

    def design_effect_text(self) -> str:
        return "" if self.design_effect is None else f"{self.design_effect:.2f}"


def weighted_percent(
    by_group: dict[str, tuple[int, int]], cohort_shares: dict[str, float]
) -> tuple[float | None, float | None, list[str]]:
    """(weighted % agree, design effect, groups left out) from group -> (agree, answered) and group -> W_g."""
    used = {g: c for g, c in by_group.items() if g != UNKNOWN and c[1] > 0 and cohort_shares.get(g, 0) > 0}
    left_out = [g for g, share in cohort_shares.items() if share > 0 and g not in used]
    if not used:
        return None, None, left_out
    weight = sum(cohort_shares[g] for g in used)
    percent = 100.0 * sum(cohort_shares[g] * agree / answered for g, (agree, answered) in used.items()) / weight
    answered_total = sum(answered for _, answered in used.values())
    deff = answered_total * sum(cohort_shares[g] ** 2 / used[g][1] for g in used) / weight**2
    return percent, deff, left_out


def answers_by_group_query(period: Period, survey_keys: Sequence[str]):
    """Answers by survey, statement, choice and ethnicity: on Answer alone (its copy of the response's
    ethnicity), so PostgreSQL counts from ix_answer_period without joining a year's answers to responses."""
    return (
        select(Answer.survey_key, Answer.question_key, Answer.choice, Answer.ethnicity, func.count())
        .where(in_period(Answer.event_date, period), Answer.choice.is_not(None), Answer.survey_key.in_(survey_keys))
        .group_by(Answer.survey_key, Answer.question_key, Answer.choice, Answer.ethnicity)
    )


def weighted_figures(period: Period, survey_keys: Sequence[str]) -> dict[tuple[str, str], Weighted]:
    """(survey key, statement key) -> its weighted % agree, for surveys sent to a cohort (open surveys have
    none and get no weighted figure)."""
    keys = [k for k in survey_keys if k in SURVEYS and not SURVEYS[k].open]
    if not keys:
        return {}
    # The cohort's shares change slowly and take a second to count at scale: kept for a few minutes.
    quarters = period.quarters()
    cohort = remembered(
        ("cohort by survey and ethnicity", tuple(quarters)),
        lambda: group_counts(quarters, ATTRIBUTES["ethnicity"], per_survey=True),
    )
    choices: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for survey_key, question_key, choice, code, count in db.session.execute(answers_by_group_query(period, keys)):
        if SURVEYS[survey_key].choice(choice) is None:
            continue  # a retired choice: not scored (as on the dashboard)
        group = ethnic_group(code)
        counted = choices[(survey_key, question_key, group)]
        counted[choice] = counted.get(choice, 0) + int(count)
    result = {}
    for key in keys:
        counts = add_up(*(cohort.get((q, key), {}) for q in period.quarters()))
        known = sum(c.cohort for g, c in counts.items() if g != UNKNOWN)
        shares = {g: counts[g].cohort / known for g in ETHNIC_GROUPS if g != UNKNOWN and g in counts and known}
        survey = SURVEYS[key]
        for statement in survey.statements:
            by_group = {}
            for group in ETHNIC_GROUPS:
                s = score(choices.get((key, statement.key, group), {}), survey)
                by_group[group] = (s.agree, s.answered)
            percent, deff, left_out = weighted_percent(by_group, shares)
            result[(key, statement.key)] = Weighted(percent, deff, tuple(ETHNIC_GROUPS[g] for g in left_out))
    return result
