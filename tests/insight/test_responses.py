"""The responses list (filters, pages, CSV), one response's page (audited) and `flask export-responses`."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight import response_export
from feedback.models import AuditEvent, FollowUp, FollowUpStatus, Response, ResponseChannel, ResponseTheme
from tests.factories import create_response, create_user, sign_in

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def listed(html: str) -> list[int]:
    """Response ids on a list page, in order."""
    return [int(n) for n in re.findall(r'href="/officer/responses/(\d+)"', html)]


@pytest.fixture
def varied(app):
    """Eight responses, each different in one way; returns name -> response id."""
    made = {}
    with clock.frozen(NOW):

        def add(name, survey="new_plan", event=date(2026, 11, 2), *, polarity=None, themes=(), follow_up=None,
                safeguarding=False, ethnicity="WBRI", channel=ResponseChannel.ONLINE, texts=None, at=None):  # fmt: skip
            response = create_response(survey, event, channel=channel, ethnicity=ethnicity, texts=texts, at=at)
            response.sentiment_polarity = polarity
            response.safeguarding = safeguarding
            db.session.execute(ResponseTheme.__table__.delete().where(ResponseTheme.response_id == response.id))
            db.session.execute(FollowUp.__table__.delete().where(FollowUp.response_id == response.id))
            for theme in themes:
                db.session.add(ResponseTheme(response_id=response.id, theme=theme))
            if follow_up:
                db.session.add(FollowUp(response_id=response.id, status=FollowUpStatus(follow_up), reasons=["concern"]))
            db.session.commit()
            made[name] = response.id

        add("plain", at=datetime(2026, 11, 3, 9, tzinfo=UTC))
        add("review", "annual_review", date(2026, 10, 20), polarity=0.4, ethnicity="APKN")
        add("last_year", event=date(2025, 11, 2), polarity=-0.5, themes=["transport", "timeliness"])
        add("paper", channel=ResponseChannel.PAPER, polarity=0.0, ethnicity="BSOM")  # extended code: Black
        add("unknown", ethnicity="REFU", follow_up="open", polarity=-0.04)
        add("blank", ethnicity=None, follow_up="resolved", themes=["transport"])
        add("flagged", safeguarding=True, follow_up="contacted", texts={"do_better": '=HYPERLINK("x")'})
        add("q4", event=date(2027, 1, 4), ethnicity="WOTH", polarity=0.06)
    return made


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"plain", "review", "last_year", "paper", "unknown", "blank", "flagged", "q4"}),
        ("survey=annual_review", {"review"}),
        ("year=2025/26", {"last_year"}),
        ("year=2026/27&quarter=3", {"plain", "review", "paper", "unknown", "blank", "flagged"}),
        ("year=2026/27&quarter=4", {"q4"}),
        ("channel=paper", {"paper"}),
        ("sentiment=negative", {"last_year"}),
        ("sentiment=neutral", {"paper", "unknown"}),
        ("sentiment=positive", {"review", "q4"}),
        ("sentiment=none", {"plain", "blank", "flagged"}),
        ("theme=transport", {"last_year", "blank"}),
        ("ethnic_group=asian", {"review"}),
        ("ethnic_group=black", {"paper"}),
        ("ethnic_group=white", {"plain", "last_year", "flagged", "q4"}),
        ("ethnic_group=unknown", {"unknown", "blank"}),
        ("follow_up=none", {"plain", "review", "last_year", "paper", "q4"}),
        ("follow_up=open", {"unknown"}),
        ("follow_up=contacted", {"flagged"}),
        ("follow_up=resolved", {"blank"}),
        ("safeguarding=yes", {"flagged"}),
        ("safeguarding=no", {"plain", "review", "last_year", "paper", "unknown", "blank", "q4"}),
        ("theme=transport&follow_up=resolved&year=2026/27", {"blank"}),
    ],
)
def test_each_filter_selects_exactly_its_responses(client, varied, query, expected):
    sign_in(client, "officer")
    with clock.frozen(NOW):
        html = client.get(f"/officer/responses?{query}").get_data(as_text=True)
    assert set(listed(html)) == {varied[name] for name in expected}, query
    assert f"{len(expected)} response" in html


def test_newest_events_come_first(client, varied):
    sign_in(client, "officer")
    with clock.frozen(NOW):
        ids = listed(client.get("/officer/responses").get_data(as_text=True))
    events = [db.session.get(Response, i).event_date for i in ids]
    assert events == sorted(events, reverse=True)
    assert ids[0] == varied["q4"] and ids[-1] == varied["last_year"]


def test_pages_keep_the_filters(client, varied, monkeypatch):
    monkeypatch.setattr("feedback.web.officer.responses.PAGE_SIZE", 3)
    sign_in(client, "officer")
    with clock.frozen(NOW):
        first = client.get("/officer/responses?year=2026/27").get_data(as_text=True)
        assert len(listed(first)) == 3 and "page 1 of 3" in first
        [next_page] = {h for h in re.findall(r'href="([^"]+)"', unescape(first)) if "page=2" in h}
        assert parse_qs(urlsplit(next_page).query) == {"page": ["2"], "year": ["2026/27"]}
        last = client.get("/officer/responses?year=2026/27&page=3").get_data(as_text=True)
        beyond = client.get("/officer/responses?year=2026/27&page=99").get_data(as_text=True)
    assert len(listed(last)) == 1 and listed(beyond) == listed(last)  # past the end: the last page
    seen = set(listed(first)) | set(listed(last))
    assert varied["last_year"] not in seen


@pytest.mark.parametrize(
    "query, message",
    [
        ("channel=fax", "Select how they answered from the list"),
        ("year=2019", "Select financial year of the event from the list"),
        ("quarter=2", "Select a financial year to choose one of its quarters"),
        ("follow_up=maybe", "Select follow-up from the list"),
    ],
)
def test_a_bad_filter_gets_a_clear_message(client, varied, query, message):
    sign_in(client, "officer")
    html = client.get(f"/officer/responses?{query}").get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert "<title>Error: Responses" in html
    assert listed(html) == []


def test_no_match_says_so(client, varied):
    sign_in(client, "officer")
    html = client.get("/officer/responses?channel=in_person").get_data(as_text=True)
    assert "No responses match these filters." in html


def test_a_response_page_shows_everything_and_is_audited(client):
    officer = sign_in(client, "officer")
    with clock.frozen(NOW):
        response = create_response(
            "new_plan",
            date(2026, 11, 2),
            {"assessment_positive": "strongly_disagree", "plan_progress": "not_applicable"},
            texts={"went_well": "The caseworker was kind.", "do_better": "Reply to emails <quickly>."},
            channel=ResponseChannel.PAPER,
            entered_by=create_user(email="paper@example.org", name="Pat Paper"),
        )
        response.sentiment_polarity, response.sentiment_subjectivity = -0.25, 0.6
        response.concern = True
        if db.session.get(ResponseTheme, (response.id, "communication")) is None:  # the analysis may have found it
            db.session.add(ResponseTheme(response_id=response.id, theme="communication"))
        db.session.commit()
        html = client.get(f"/officer/responses/{response.id}").get_data(as_text=True)
    assert "Overall, the EHC needs assessment was a positive experience" in html
    assert "Strongly disagree" in html and "Does not apply" in html
    assert "The caseworker was kind." in html and "Reply to emails &lt;quickly&gt;." in html
    assert "Paper" in html and "Pat Paper" in html and "Communication" in html
    assert "Negative" in html and "-0.25" in html and "Concern" in html
    assert response.invitation.child.ref in html and "2026/27 Q3" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view_response"))
    assert (event.object_type, event.object_id, event.user_id) == ("response", str(response.id), officer.id)
    assert client.get("/officer/responses/999999").status_code == 404


def test_the_list_downloads_as_csv_neutralised_and_audited(client, varied):
    officer = sign_in(client, "officer")
    with clock.frozen(NOW):
        reply = client.get("/officer/responses.csv?year=2026/27&quarter=3")
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="responses-2026-27-q3.csv"'
    body = reply.get_data(as_text=True)
    assert body.startswith("\ufeffresponse_id,")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {int(r["response_id"]) for r in rows} == {
        varied[n] for n in ("plain", "review", "paper", "unknown", "blank", "flagged")
    }
    flagged = next(r for r in rows if int(r["response_id"]) == varied["flagged"])
    assert flagged["do_better"] == '\'=HYPERLINK("x")' and flagged["safeguarding"] == "yes"
    unknown = next(r for r in rows if int(r["response_id"]) == varied["unknown"])
    assert unknown["polarity"] == "-0.04" and unknown["ethnic_group"] == "Unknown" and unknown["follow_up"] == "open"
    blank = next(r for r in rows if int(r["response_id"]) == varied["blank"])
    assert blank["themes"] == "transport" and blank["follow_up"] == "resolved"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export_responses"))
    assert event.user_id == officer.id and "2026/27 Q3" in event.detail


def test_export_responses_writes_one_row_per_response_in_batches(runner, varied, monkeypatch, tmp_path):
    monkeypatch.setattr(response_export, "BATCH", 2)
    result = runner.invoke(args=["export-responses", "--year", "2026/27", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [int(r["response_id"]) for r in rows] == sorted(
        varied[n] for n in ("plain", "review", "paper", "unknown", "blank", "flagged", "q4")
    )
    needed = {"response_id", "survey", "event_date", "channel", "ethnic_group", "polarity", "concern", "themes"}
    needed |= {"safeguarding", "follow_up", "went_well", "do_better", "assessment_positive", "engaged", "listened"}
    assert needed <= set(rows[0])
    review = next(r for r in rows if r["survey"] == "annual_review")
    assert review["engaged"] == "agree" and review["assessment_positive"] == "" and review["ethnic_group"] == "Asian"
    paper = next(r for r in rows if r["channel"] == "paper")
    assert paper["ethnic_group"] == "Black" and paper["event_date"] == "2026-11-02" and paper["polarity"] == "0"
    two_themes = runner.invoke(args=["export-responses", "--year", "2025/26", "--csv"])
    [row] = list(csv.DictReader(io.StringIO(two_themes.output)))
    assert row["themes"] == "timeliness;transport"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export_responses")).all()
    assert len(audit) == 2 and "command line" in audit[0].detail
    out = tmp_path / "q3.csv"
    written = runner.invoke(args=["export-responses", "--year", "2026/27", "--quarter", "3", "--csv", "--output", out])
    assert written.exit_code == 0 and len(list(csv.DictReader(out.open(encoding="utf-8")))) == 6


def test_export_responses_needs_csv_and_a_good_year(runner):
    assert "add --csv" in runner.invoke(args=["export-responses", "--year", "2026/27"]).output
    assert runner.invoke(args=["export-responses", "--year", "27", "--csv"]).exit_code == 2
