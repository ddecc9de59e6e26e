"""Whose voice is it? The known-answer quarter (tests/representation/known_quarter.py) on the page, in the CSV
and from `flask representation`, on SQLite and PostgreSQL; and the call list putting flagged groups first.

Every expected figure below was worked out by hand from the counts, not by the code under test:
shares are the counts over 60 (cohort) and 21 (respondents); ratios are (r/21)/(c/60); the Wilson intervals
come from the formula (x + z²/2)/(n + z²) ± z/(n + z²)·sqrt(x(n−x)/n + z²/4) with z = 1.959963984540054,
evaluated separately; the chi-square statistic is sum((o − e)²/e) with e = 21·c/60:
0.65²/13.65 + 0.6²/1.4 + 0.95²/1.05 + 1.5²/3.5 + 0.05²/1.05 + 0.65²/0.35 = 3.0, 5 degrees of freedom, p = 0.700.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from feedback.chasing.runner import run_chase
from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.models import Message, MessageStatus
from feedback.representation.table import representation
from tests.factories import create_child, create_contact, create_invitation, sign_in
from tests.representation.known_quarter import build_known_quarter

NOW = datetime(2026, 12, 21, 11, 0, tzinfo=UTC)  # in 2026/27 Q3
HEADLINE = "Minority ethnic families: 38% of respondents (8/21) compared with 35% of the cohort (21/60)"

# group: cohort, share of cohort, respondents, share of respondents, response rate, ratio, interval, flag
PAGE = {
    "white_british": ["39", "65%", "13", "62%", "33%", "0.95", "41% to 79%", "No"],
    "white_other": ["4", "7%", "2", "10%", "50%", "1.43", "3% to 29%", "No"],
    "mixed": ["3", "5%", "2", "10%", "67%", "1.90", "3% to 29%", "No"],
    "asian": ["10", "17%", "2", "10%", "20%", "0.57", "3% to 29%", "Yes"],
    "black": ["3", "5%", "1", "5%", "33%", "0.95", "1% to 23%", "No"],
    "other": ["1", "2%", "1", "5%", "100%", "2.86", "1% to 23%", "No"],
    "unknown": ["3", "Not in shares", "1", "Not in shares", "33%", "–", "–", "–"],
}
WILSON = {  # x of 21: (low, high), by the formula above
    13: (0.4087865377511576, 0.7924898863143551),
    2: (0.02651876743807452, 0.28914139073918255),
    1: (0.008455987809826385, 0.22669360074122563),
}
# group: cohort, respondents, cohort share, respondent share, response rate, ratio, interval, flag
CSV_EXPECTED = {
    "white_british": (39, 13, 39 / 60, 13 / 21, 13 / 39, 780 / 819, WILSON[13], "no"),
    "white_other": (4, 2, 4 / 60, 2 / 21, 2 / 4, 120 / 84, WILSON[2], "no"),
    "mixed": (3, 2, 3 / 60, 2 / 21, 2 / 3, 120 / 63, WILSON[2], "no"),
    "asian": (10, 2, 10 / 60, 2 / 21, 2 / 10, 120 / 210, WILSON[2], "yes"),
    "black": (3, 1, 3 / 60, 1 / 21, 1 / 3, 60 / 63, WILSON[1], "no"),
    "other": (1, 1, 1 / 60, 1 / 21, 1 / 1, 60 / 21, WILSON[1], "no"),
    "unknown": (3, 1, None, None, 1 / 3, None, (None, None), ""),
}


def _cells(html: str) -> dict[str, list[str]]:
    rows = re.findall(r'<tr class="govuk-table__row" data-group="([a-z_]+)">(.*?)</tr>', html, re.S)
    found = {}
    for group, row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found[group] = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return found


def _same(cell: str, expected: float | None) -> bool:
    """A CSV cell holds the expected exact value (to within float rounding), or is empty when none applies."""
    if expected is None:
        return cell == ""
    return float(cell) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_known_quarter_on_the_page_in_the_csv_and_from_the_command_line(client, runner):
    build_known_quarter()
    sign_in(client, "viewer")  # figures only: every role
    with clock.frozen(NOW):
        html = client.get("/officer/representation?year=2026/27&quarter=3").get_data(as_text=True)
        reply = client.get("/officer/representation.csv?year=2026/27&quarter=3&survey=&by=ethnicity")
        text_out = runner.invoke(args=["representation", "--year", "2026/27", "--quarter", "3"])
        csv_out = runner.invoke(args=["representation", "--year", "2026/27", "--quarter", "3", "--csv"])
        by_phase = client.get("/officer/representation?by=school_phase").get_data(as_text=True)
        bad = client.get("/officer/representation?year=banana")

    # The page
    assert HEADLINE in unescape(html)
    assert _cells(html) == PAGE
    assert "two parents answering about one child count once" in html
    assert "could be chance (chi-square test, p = 0.700)" in html
    assert "The counts are too small for this test to be reliable" in html
    assert re.search(r'<svg class="app-chart"[^>]*role="img"', html)
    assert "2026/27 Q3</th>" in html and "38% (8/21)</td>" in html and "35% (21/60)</td>" in html

    assert '<h1 class="govuk-heading-l">Whose voice is it? 2026/27 Q3</h1>' in by_phase  # the current quarter
    assert "By school phase" in by_phase and HEADLINE in unescape(by_phase)
    assert bad.status_code == 200 and "Select a financial year from the list" in bad.get_data(as_text=True)

    # The CSV, from the page and from the command
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    for body in (reply.get_data(as_text=True).lstrip("\ufeff"), csv_out.output):
        rows = {row["group"]: row for row in csv.DictReader(io.StringIO(body))}
        assert list(rows) == list(CSV_EXPECTED)
        for group, (cohort, answered, c_share, r_share, rate, ratio, (low, high), flag) in CSV_EXPECTED.items():
            row = rows[group]
            assert (int(row["cohort"]), int(row["respondents"])) == (cohort, answered), group
            for column, expected in (("cohort_share", c_share), ("respondent_share", r_share), ("response_rate", rate),
                                     ("ratio", ratio), ("ci_low", low), ("ci_high", high)):  # fmt: skip
                assert _same(row[column], expected), (group, column, row[column], expected)
            assert row["under_represented"] == flag, group
        assert rows["asian"]["cohort_share"] == "0.16666666666666666"  # exact, not rounded
    known = [g for g in CSV_EXPECTED if g != "unknown"]
    assert sum(CSV_EXPECTED[g][2] for g in known) == pytest.approx(1)

    # The readable command
    assert text_out.exit_code == 0, text_out.output
    assert HEADLINE in text_out.output
    asian = r"Asian or Asian British \(including Chinese\)\s+10\s+17%\s+2\s+10%\s+20%\s+0\.57\s+3% to 29%\s+yes"
    assert re.search(asian, text_out.output)


def test_the_call_list_puts_flagged_groups_first_and_says_why(client):
    unanswered = build_known_quarter(call_list_at=datetime(2026, 12, 1, 9, tzinfo=UTC))
    sign_in(client, "officer")
    with clock.frozen(NOW):
        html = unescape(client.get("/officer/call-list").get_data(as_text=True))
    order = re.findall(r"Child (K\d{5})", html)
    asian = {inv.child.ref for inv in unanswered["APKN"]}
    assert asian and set(order[: len(asian)]) == asian  # the Asian group is flagged: its families come first
    assert set(order[len(asian) :]).isdisjoint(asian)
    assert html.count("<strong>First:</strong> the Asian or Asian British (including Chinese) group is "
                      "under-represented among respondents in 2026/27 Q3") == len(asian)  # fmt: skip
    assert "First: families from groups under-represented among respondents in 2026/27 Q3" in html


def test_the_chase_sends_the_extra_reminder_to_flagged_families_only(app):
    unanswered = build_known_quarter()
    first = NOW - timedelta(days=18)
    for invitation in (unanswered["APKN"][0], unanswered["WBRI"][0]):  # flagged, not flagged
        invitation.first_sent_at, invitation.closes_at = first, first + timedelta(days=42)
        for n, days in enumerate((0, 7, 14), start=1):
            sent = first + timedelta(days=days)
            purpose = "reminder" if n > 1 else "invite"
            db.session.add(Message(invitation=invitation, sequence=n, channel="email", purpose=purpose,
                                   status=MessageStatus.OUTBOX, sent_at=sent, created_at=sent))  # fmt: skip
    db.session.commit()
    assert run_chase(NOW, dry_run=True).purposes["reminder"] == 0  # off by default
    app.config["CHASE_EXTRA_REMINDER_DAYS"] = 18
    assert run_chase(NOW, dry_run=True).purposes["reminder"] == 1  # the Asian family's fourth message only


def test_other_attributes_group_by_their_values_with_unknown_and_language_apart(app):
    day = date(2026, 10, 5)
    for need, language, answered in (("ASD", "Urdu", True), ("ASD", None, False), (None, "English", True)):
        contact = create_contact(create_child(primary_need=need), language=language)
        invitation, _ = create_invitation("new_plan", day, contact=contact)
        if answered:
            invitation.responded_at = NOW
    db.session.commit()
    by_need = {r.key: (r.label, r.cohort, r.respondents, r.cohort_share) for r in
               representation(Period(2026, 3), by="primary_need").rows}  # fmt: skip
    assert by_need == {
        "ASD": ("Autistic spectrum disorder", 2, 1, 1.0),
        "unknown": ("Unknown (not recorded)", 1, 1, None),
    }
    by_language = {r.key: (r.cohort, r.respondents, r.cohort_share) for r in
                   representation(Period(2026, 3), by="language").rows}  # fmt: skip
    assert by_language == {"English or none recorded": (2, 1, 2 / 3), "Urdu": (1, 1, 1 / 3)}
