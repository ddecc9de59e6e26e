"""Public results (/results and feedback.publishing.results): % agree and response rates counted by the database,
by quarter of the event, with small numbers suppressed so that no hidden count can be worked out."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.publishing.results import _links, _suppressed, _table, agree_counts, response_counts, year_counts
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_invitation
from tests.publishing.conftest import respond
from tests.publishing.test_suppression import assert_nothing_recoverable

YEAR = Period(2025)  # April 2025 to March 2026
NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)


def cells(html: str, label: str) -> list[str]:
    """The cells of the row whose header contains `label`, in the first table that has it."""
    row = re.search(r"<th scope=\"row\"[^>]*>[^<]*" + re.escape(label) + r"[^<]*</th>(.*?)</tr>", html, re.S)
    assert row, label
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def seed(per_quarter: dict[int, int], survey_key: str = "new_plan", choice: str = "agree", not_asked: int = 0):
    """Responses by quarter of YEAR (quarter -> how many), all giving `choice` to every statement."""
    months = {1: date(2025, 5, 10), 2: date(2025, 8, 10), 3: date(2025, 11, 10), 4: date(2026, 2, 10)}
    with clock.frozen(NOW):
        for quarter, count in per_quarter.items():
            for _ in range(count):
                respond(
                    survey_key,
                    event_date=months[quarter],
                    choice=choice if survey_key != "annual_review_young_person" else "yes",
                )
        for _ in range(not_asked):
            create_invitation(survey_key, months[1])  # recorded, never messaged: not "asked"


def page(client, year: Period = YEAR) -> str:
    reply = client.get(f"/results?year={year.year_label}")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_a_cell_with_four_respondents_shows_fewer_than_5(client, app):
    seed({3: 4})
    html = page(client)
    assert cells(html, "Families who answered") == ["fewer than 5"]
    statement = SURVEYS["new_plan"].statements[0].text
    assert cells(html, statement) == ["fewer than 5 answers"]
    assert "4" not in " ".join(cells(html, "Families who answered") + cells(html, "Families asked"))


def test_a_statement_with_nine_answers_shows_no_percentage(client, app):
    seed({2: 9})
    html = page(client)
    statement = SURVEYS["new_plan"].statements[0].text
    [cell] = cells(html, statement)
    assert cell == "9 answers: too few for a percentage" and "%" not in cell
    assert cells(html, "Response rate") == ["not shown"]


def test_ten_answers_show_the_percentage_with_n_of_n(client, app):
    seed({2: 10})
    with clock.frozen(NOW):
        respond("new_plan", event_date=date(2025, 8, 11), choice="disagree")
        respond("new_plan", event_date=date(2025, 8, 12), choice="not_applicable")  # not counted in N
    html = page(client)
    statement = SURVEYS["new_plan"].statements[0].text
    row = cells(html, statement)
    assert "91% (10/11)" in row


def test_a_suppressed_quarter_cannot_be_recovered_from_the_year_shown(client, app):
    seed({1: 3, 2: 20, 3: 12, 4: 15})
    html = page(client)
    answered = cells(html, "Families who answered")
    assert answered[0] == "fewer than 5"  # Q1: 3
    assert answered[-1] == "50"  # the year
    hidden = [c for c in answered[:4] if not c.replace(",", "").isdigit()]
    assert len(hidden) >= 2, answered  # not Q1 alone: the year minus the others would give it away
    # And exactly: no hidden count of the whole table has only one possible value.
    survey = SURVEYS["new_plan"]
    counts = year_counts(YEAR)
    responses = {(s, q): (a, r) for s, q, a, r in counts.responses}
    answers = {(s, q, k): (g, n) for s, q, k, g, n in counts.answers}
    table = _table(survey, responses, answers)
    ratios, bounds = _links(survey)
    published = _suppressed(tuple((k, tuple(v)) for k, v in table.items()), ratios, bounds, True)
    assert_nothing_recoverable(table, published, ratios, bounds)


def test_counts_are_made_by_the_database_by_quarter_of_the_event(app):
    with clock.frozen(NOW):
        respond("new_plan", event_date=date(2025, 3, 31), choice="agree")  # 2024/25: not this year
        respond("new_plan", event_date=date(2025, 4, 1), choice="strongly_agree")  # Q1
        respond("new_plan", event_date=date(2025, 6, 30), choice="neither")  # Q1
        respond("new_plan", event_date=date(2025, 7, 1), choice="not_applicable")  # Q2, not in N
        respond("annual_review_young_person", event_date=date(2026, 3, 31), choice="yes")  # Q4
        create_invitation("new_plan", date(2025, 10, 1), first_sent_at=NOW)  # asked, no answer: Q3
        create_invitation("new_plan", date(2025, 10, 2))  # never asked
    agree = {(s, q, k): (g, n) for s, q, k, g, n in agree_counts(YEAR)}
    assert agree["new_plan", 1, "assessment_positive"] == (1, 2)
    assert agree["new_plan", 2, "assessment_positive"] == (0, 0)
    assert agree["annual_review_young_person", 4, "listened"] == (1, 1)
    assert not any(key[2] in ("went_well", "do_better") for key in agree)
    rates = {(s, q): (asked, answered) for s, q, asked, answered in response_counts(YEAR)}
    assert rates["new_plan", 1] == (2, 2) and rates["new_plan", 2] == (1, 1) and rates["new_plan", 3] == (1, 0)
    assert rates["annual_review_young_person", 4] == (1, 1)


def test_quarters_are_shown_where_the_numbers_allow(client, app):
    seed({1: 12, 2: 15, 3: 11, 4: 14})
    html = page(client)
    assert "April to June" in html and "January to March" in html
    statement = SURVEYS["new_plan"].statements[0].text
    assert cells(html, statement) == ["100% (12/12)", "100% (15/15)", "100% (11/11)", "100% (14/14)", "100% (52/52)"]


def test_other_years_are_linked_and_an_unknown_year_goes_back_to_the_latest(client, app):
    seed({1: 5})
    with clock.frozen(NOW):
        respond("new_plan", event_date=date(2024, 5, 1))
    html = page(client)
    assert "Results for 2024/25" in html
    assert client.get("/results?year=nonsense").status_code == 302
    assert "Survey results 2025/26" in client.get("/results").get_data(as_text=True)


@pytest.mark.parametrize("year", ["2030/31"])
def test_a_year_without_families_says_so(client, app, year):
    html = client.get(f"/results?year={year}").get_data(as_text=True)
    assert html.count("No families were asked this survey in 2030/31") == len(SURVEYS)
    db.session.rollback()
