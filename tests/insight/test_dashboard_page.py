"""The dashboard page: choosing the period (current quarter by default, a GET form, clear messages), its
empty state, charts with tables, and each table as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from feedback.core import clock
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_response, sign_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 2026/27 Q3


def h1(html: str) -> str:
    [found] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return found.strip()


def get(client, path: str) -> str:
    with clock.frozen(NOW):
        reply = client.get(path)
    assert reply.status_code == 200, path
    return reply.get_data(as_text=True)


def test_the_current_quarter_by_default(client):
    sign_in(client, "viewer")
    html = get(client, "/officer/")
    assert h1(html) == "Family feedback: 2026/27 Q3"
    assert re.search(r"<title>Family feedback: 2026/27 Q3 –", html)
    assert "Events from October to December 2026." in html
    assert re.search(r'<option value="2026/27" selected>', html)
    assert re.search(r'<option value="3" selected>', html)
    assert "A response counts in the period of its event" in html
    assert 'method="get"' in html


@pytest.mark.parametrize(
    "query, heading",
    [
        ("year=2025/26&quarter=", "Family feedback: 2025/26"),
        ("year=2025/26", "Family feedback: 2025/26"),
        ("year=2024/25&quarter=1", "Family feedback: 2024/25 Q1"),
        ("quarter=2", "Family feedback: 2026/27 Q2"),
    ],
)
def test_choosing_a_year_and_quarter(client, query, heading):
    sign_in(client, "officer")
    assert h1(get(client, f"/officer/?{query}")) == heading


def test_a_whole_year_compares_with_the_previous_year(client):
    sign_in(client, "officer")
    html = get(client, "/officer/?year=2025/26&quarter=")
    assert "Since the previous year (2024/25)" in html and "Since the same quarter" not in html
    quarter = get(client, "/officer/")
    assert (
        "Since the previous quarter (2026/27 Q2)" in quarter
        and "Since the same quarter last year (2025/26 Q3)" in quarter
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ("year=banana", "Select a financial year from the list"),
        ("year=2031/32", "Select a financial year from the list"),
        ("year=2013/14", "Select a financial year from the list"),
        ("year=2026/27&quarter=7", "Select a quarter from the list, or the whole year"),
    ],
)
def test_a_bad_period_gets_a_clear_message_and_no_figures(client, query, message):
    sign_in(client, "officer")
    html = get(client, f"/officer/?{query}")
    assert "There is a problem" in html and message in html
    assert re.search(r"<title>Error: Family feedback figures", html)
    assert "Responses by survey" not in html
    assert 'href="#year"' in html or 'href="#quarter"' in html  # the summary links to the field


def test_no_data_for_a_quarter_says_so(client):
    sign_in(client, "officer")
    html = get(client, "/officer/")
    assert "There are no invitations or responses for events in 2026/27 Q3" in html
    assert "no answers (0/0)" in html
    assert html.count("No answers to this survey for events in 2026/27 Q3.") == len(SURVEYS)
    for survey in SURVEYS.values():
        assert survey.title in unescape(html)


def test_each_statement_has_a_trend_chart_with_its_table(client):
    with clock.frozen(NOW):
        create_response("new_plan", date(2025, 11, 3), at=datetime(2025, 11, 20, tzinfo=UTC))
        create_response("new_plan", date(2026, 10, 3))
    sign_in(client, "officer")
    html = get(client, "/officer/")
    statements = sum(len(s.statements) for s in SURVEYS.values())
    assert html.count('<svg class="app-chart"') == statements + 1  # and the funnel
    assert html.count("app-trend-table") == statements
    assert "Trend by quarter, 2024/25 · 2025/26 · 2026/27" in html
    assert html.count('role="img"') == statements + 1
    assert "100% (1/1)" in html  # the "Agree" in 2026/27 Q3 and in 2025/26 Q3


@pytest.mark.parametrize("table, first", [("surveys", "period"), ("statements", "period"), ("trend", "survey"),
                                           ("funnel", "period")])  # fmt: skip
def test_every_table_downloads_as_csv_for_the_period(client, table, first):
    with clock.frozen(NOW):
        create_response("annual_review", date(2026, 10, 3), texts={"do_better": "=1+1"})
    sign_in(client, "viewer")
    with clock.frozen(NOW):
        reply = client.get(f"/officer/figures/{table}.csv?year=2026/27&quarter=3")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.headers["Content-Disposition"] == f'attachment; filename="family-feedback-{table}-2026-27-q3.csv"'
    body = reply.get_data(as_text=True)
    assert body.startswith("\ufeff" + first)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows and "=1+1" not in body


def test_a_survey_table_downloads_alone_and_bad_requests_are_refused(client):
    sign_in(client, "officer")
    with clock.frozen(NOW):
        one = client.get("/officer/figures/statements.csv?survey=annual_review").get_data(as_text=True)
        assert {r["survey"] for r in csv.DictReader(io.StringIO(one.lstrip("\ufeff")))} == {"annual_review"}
        assert client.get("/officer/figures/nothing.csv").status_code == 404
        assert client.get("/officer/figures/trend.csv?survey=nope").status_code == 404
        assert client.get("/officer/figures/trend.csv?year=banana").status_code == 400


def test_the_page_links_each_table_to_its_csv(client):
    sign_in(client, "officer")
    html = get(client, "/officer/?year=2026/27&quarter=3")
    for table in ("surveys", "statements", "trend", "funnel"):
        assert f"/officer/figures/{table}.csv?" in html
    assert html.count("Download CSV") == 2 + 2 * len(SURVEYS)
