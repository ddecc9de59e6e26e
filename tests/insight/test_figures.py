"""The officer's figures against hand counts: the dashboard, its CSVs and `flask report` agree with what a
person counts on paper, for every statement; responses count in the period of their event."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.figures.dashboard import dashboard_figures
from feedback.insight.periods import Period
from feedback.models import InvitationStatus, Response, ResponseChannel
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_invitation, create_response, sign_in

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)  # 2026/27 Q4; the fixture's quarter is Q3
Q3 = Period(2026, 3)

# Hand-written answers: (survey, event date, submitted, channel, {statement: choice}).
SA, A, N, D, SD, NA = "strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "not_applicable"
RESPONSES = [
    # 2026/27 Q3 (events 1 October to 31 December 2026)
    ("new_plan", date(2026, 10, 5), datetime(2026, 10, 20, 9, tzinfo=UTC), "online",
     {"assessment_positive": SA, "plan_quality": A, "involved": N, "plan_progress": NA}),
    ("new_plan", date(2026, 11, 2), datetime(2026, 11, 9, 9, tzinfo=UTC), "online",
     {"assessment_positive": A, "plan_quality": D, "involved": A, "plan_progress": SD}),
    ("new_plan", date(2026, 11, 20), datetime(2026, 12, 22, 9, tzinfo=UTC), "phone",
     {"assessment_positive": D, "plan_quality": NA, "involved": SA, "plan_progress": A}),
    ("new_plan", date(2026, 12, 1), datetime(2026, 12, 10, 9, tzinfo=UTC), "paper",
     {"assessment_positive": SD, "plan_quality": A, "involved": A, "plan_progress": NA}),
    # The event is in Q3, the answer came in Q4: it counts in Q3.
    ("new_plan", date(2026, 12, 31), datetime(2027, 1, 5, 9, tzinfo=UTC), "in_person",
     {"assessment_positive": A, "plan_quality": SA, "involved": D, "plan_progress": A}),
    ("annual_review", date(2026, 10, 14), datetime(2026, 10, 30, 9, tzinfo=UTC), "online",
     {"engaged": A, "child_views": NA, "plan_reflects_needs": N, "overall_positive": SA}),
    ("annual_review", date(2026, 12, 15), datetime(2026, 12, 16, 9, tzinfo=UTC), "online",
     {"engaged": SD, "child_views": A, "plan_reflects_needs": A, "overall_positive": D}),
    ("annual_review_young_person", date(2026, 10, 1), datetime(2026, 10, 2, 9, tzinfo=UTC), "online",
     {"listened": "yes", "about_me": "not_sure", "future": "no", "good": "yes"}),
    # 2026/27 Q2: the event is in September, the answer came in October (Q3): it counts in Q2.
    ("new_plan", date(2026, 9, 30), datetime(2026, 10, 8, 9, tzinfo=UTC), "online",
     {"assessment_positive": A, "plan_quality": A, "involved": A, "plan_progress": A}),
    ("new_plan", date(2026, 8, 3), datetime(2026, 8, 20, 9, tzinfo=UTC), "online",
     {"assessment_positive": D, "plan_quality": A, "involved": NA, "plan_progress": A}),
    # 2025/26 Q3: the same quarter last year.
    ("new_plan", date(2025, 11, 3), datetime(2025, 11, 20, 9, tzinfo=UTC), "online",
     {"assessment_positive": D, "plan_quality": D, "involved": A, "plan_progress": SD}),
]  # fmt: skip

# Counted by hand from the table above: (survey, statement) -> (agree, answered) in 2026/27 Q3.
HAND_COUNTED_Q3 = {
    ("new_plan", "assessment_positive"): (3, 5),  # SA, A, D, SD, A
    ("new_plan", "plan_quality"): (3, 4),  # A, D, (NA), A, SA
    ("new_plan", "involved"): (3, 5),  # N, A, SA, A, D
    ("new_plan", "plan_progress"): (2, 3),  # (NA), SD, A, (NA), A
    ("annual_review", "engaged"): (1, 2),
    ("annual_review", "child_views"): (1, 1),  # (NA), A
    ("annual_review", "plan_reflects_needs"): (1, 2),
    ("annual_review", "overall_positive"): (1, 2),
    ("annual_review_young_person", "listened"): (1, 1),
    ("annual_review_young_person", "about_me"): (0, 1),
    ("annual_review_young_person", "future"): (0, 1),
    ("annual_review_young_person", "good"): (1, 1),
}
HAND_COUNTED_Q2 = {("new_plan", "assessment_positive"): (1, 2), ("new_plan", "involved"): (1, 1)}


def percent(agree: int, answered: int) -> str:
    return f"{(200 * agree + answered) // (2 * answered)}% ({agree}/{answered})"


@pytest.fixture
def hand_counted(app):
    with clock.frozen(NOW):
        for survey_key, event_date, at, channel, choices in RESPONSES:
            create_response(survey_key, event_date, choices, channel=ResponseChannel(channel), at=at)
        # Invitations without an answer count as invitations, except one too old to survey.
        create_invitation("new_plan", date(2026, 10, 9))
        create_invitation("new_plan", date(2026, 10, 10))
        create_invitation("new_plan", date(2026, 10, 11), status=InvitationStatus.EXPIRED)
        yield


def test_the_figures_match_the_hand_counts(hand_counted):
    figures = dashboard_figures(Q3)
    found = {
        (s.survey.key, st.key): (st.score.agree, st.score.answered) for s in figures.surveys for st in s.statements
    }
    assert found == HAND_COUNTED_Q3


def test_flask_report_csv_gives_the_hand_counted_agree_and_answered(hand_counted, runner):
    result = runner.invoke(args=["report", "--year", "2026/27", "--quarter", "3", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {"period", "survey", "statement", "agree", "answered", "percent"} <= set(rows[0])
    assert len(rows) == sum(len(s.statements) for s in SURVEYS.values())
    for row in rows:
        agree, answered = HAND_COUNTED_Q3[(row["survey"], row["statement"])]
        assert (int(row["agree"]), int(row["answered"])) == (agree, answered), row
        assert float(row["percent"]) == pytest.approx(100 * agree / answered, abs=0.05)
        assert row["period"] == "2026/27 Q3"


def test_the_dashboard_shows_the_hand_counted_figures_for_every_statement(hand_counted, client):
    sign_in(client, "viewer")  # figures are for every role
    with clock.frozen(NOW):
        html = unescape(client.get("/officer/?year=2026/27&quarter=3").get_data(as_text=True))
    for (survey_key, key), (agree, answered) in HAND_COUNTED_Q3.items():
        text = next(s.text for s in SURVEYS[survey_key].statements if s.key == key)
        row = re.search(re.escape(text) + r"</th>\s*<td[^>]*><strong[^>]*>([^<]+)</strong>", html)
        assert row, text
        assert row.group(1) == percent(agree, answered), text


def test_the_dashboard_statements_csv_matches_the_report(hand_counted, client, runner):
    sign_in(client, "officer")
    with clock.frozen(NOW):
        reply = client.get("/officer/figures/statements.csv?year=2026/27&quarter=3")
    assert reply.status_code == 200
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert {(r["survey"], r["statement"]): (int(r["agree"]), int(r["answered"])) for r in rows} == HAND_COUNTED_Q3


def test_a_response_counts_in_the_period_of_its_event_not_of_its_arrival(hand_counted):
    late = db.session.scalar(select(Response).where(Response.event_date == date(2026, 12, 31)))
    assert clock.london(late.submitted_at).date() == date(2027, 1, 5) and late.event_date == date(2026, 12, 31)
    q2 = dashboard_figures(Period(2026, 2), survey_keys=["new_plan"])
    found = {("new_plan", st.key): (st.score.agree, st.score.answered) for st in q2.surveys[0].statements}
    assert found[("new_plan", "assessment_positive")] == HAND_COUNTED_Q2[("new_plan", "assessment_positive")]
    assert found[("new_plan", "involved")] == HAND_COUNTED_Q2[("new_plan", "involved")]  # (NA) left out
    q4 = dashboard_figures(Period(2026, 4), survey_keys=["new_plan"])
    assert all(st.score.answered == 0 for st in q4.surveys[0].statements)


def test_changes_compare_with_the_previous_quarter_and_the_same_quarter_last_year(hand_counted):
    figures = dashboard_figures(Q3, survey_keys=["new_plan"])
    assert [(name, p.label) for name, p in figures.comparisons] == [
        ("previous quarter", "2026/27 Q2"),
        ("same quarter last year", "2025/26 Q3"),
    ]
    assessment = figures.surveys[0].statements[0]
    previous, last_year = assessment.comparisons
    assert (previous.score.agree, previous.score.answered) == (1, 2)
    assert (last_year.score.agree, last_year.score.answered) == (0, 1)
    assert previous.change.words() == "Up 10 points: could be chance"  # 60% (3/5) against 50% (1/2)
    assert last_year.change.words() == "Up 60 points: could be chance"  # against 0% (0/1)
    whole_year = dashboard_figures(Period(2026), survey_keys=["new_plan"])
    assert [(n, p.label) for n, p in whole_year.comparisons] == [("previous year", "2025/26")]


def test_the_trend_has_each_quarter_of_three_years_and_the_years_add_up(hand_counted):
    figures = dashboard_figures(Q3, survey_keys=["new_plan"])
    assert [y.year_label for y in figures.years] == ["2024/25", "2025/26", "2026/27"]
    assessment = figures.surveys[0].statements[0]
    this_year = assessment.quarters[Period(2026)]
    assert [(s.agree, s.answered) for s in this_year] == [(0, 0), (1, 2), (3, 5), (0, 0)]
    assert (assessment.years[Period(2026)].agree, assessment.years[Period(2026)].answered) == (4, 7)
    assert [(s.agree, s.answered) for s in assessment.quarters[Period(2025)]] == [(0, 0), (0, 0), (0, 1), (0, 0)]


def test_survey_counts_invitations_responses_and_channels(hand_counted):
    figures = dashboard_figures(Q3)
    new_plan = figures.surveys[0].counts
    # Five answered invitations and two unanswered; the one too old to survey is not counted.
    assert (new_plan.invitations, new_plan.responses, new_plan.invited_responses) == (7, 5, 5)
    assert new_plan.by_channel == {"online": 2, "phone": 1, "in_person": 1, "paper": 1}
    assert new_plan.response_rate == pytest.approx(100 * 5 / 7)
    assert figures.funnel.by_survey["new_plan"]["answered_paper"] == 1


def test_an_open_survey_response_counts_on_the_london_day_it_was_submitted(app):
    # 23:30 UTC on 30 June 2026 is 00:30 on 1 July in London (summer time): Q2, not Q1.
    response = Response(survey_key="new_plan", survey_version=1, submitted_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    db.session.add(response)
    db.session.commit()
    assert response.event_date == date(2026, 7, 1)


def test_report_prints_a_readable_table_and_filters_by_survey(hand_counted, runner):
    result = runner.invoke(args=["report", "--year", "2026/27", "--quarter", "3", "--survey", "annual_review"])
    assert result.exit_code == 0, result.output
    assert "2026/27 Q3" in result.output and "October to December 2026" in result.output
    assert "engaged" in result.output and "50% (1/2)" in result.output and "100% (1/1)" in result.output
    assert "assessment_positive" not in result.output
    as_csv = runner.invoke(args=["report", "--year", "2026/27", "--survey", "new_plan", "--csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert {r["survey"] for r in rows} == {"new_plan"} and {r["period"] for r in rows} == {"2026/27"}
    whole = {r["statement"]: (int(r["agree"]), int(r["answered"])) for r in rows}
    assert whole["assessment_positive"] == (4, 7)  # Q2 and Q3 together


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2026"], "financial year"),
        (["--year", "2026/28"], "not a financial year"),
        (["--year", "2026/27", "--quarter", "5"], "5"),
        (["--year", "2026/27", "--survey", "nope"], "nope"),
    ],
)
def test_report_refuses_a_bad_period_or_survey(runner, args, message):
    result = runner.invoke(args=["report", *args])
    assert result.exit_code == 2
    assert message in result.output
