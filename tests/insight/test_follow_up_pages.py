"""The follow-ups tracker and a follow-up's page: filters, CSV, changes and notes (audited), staff only."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import AuditEvent, FollowUp, FollowUpNote, FollowUpStatus, Role
from feedback.surveys.definitions import get_survey
from tests.factories import create_invitation, create_user, sign_in
from tests.surveys.test_journey import full_answers

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the Monday's follow-ups are overdue by then


def respond(text: str = "", survey_key: str = "new_plan", **answers):
    invitation, _ = create_invitation(survey_key)
    data = full_answers(survey_key, went_well="", do_better=text, **answers)
    return save_response(invitation, get_survey(survey_key), data)


def follow_up_of(response) -> FollowUp:
    return db.session.scalar(select(FollowUp).where(FollowUp.response_id == response.id))


def h1(html: str) -> str:
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", heading).strip()


@pytest.fixture
def cases(app):
    """Three follow-ups: overdue education, health (not overdue), and a resolved social care one."""
    with clock.frozen(MONDAY):
        late = respond("The coordinator never returned my calls and the plan arrived months late")
    with clock.frozen(datetime(2026, 11, 19, 10, 0, tzinfo=UTC)):
        health = respond("Speech and language therapy has not happened at all")
        social = respond("Short breaks from social care were promised but nothing has happened")
    follow_up_of(social).status = FollowUpStatus.RESOLVED
    db.session.commit()
    return late, health, social


def test_the_list_filters_by_owner_state_and_overdue(client, cases):
    late, health, social = cases
    sign_in(client, Role.OFFICER)
    with clock.frozen(LATER):
        page = client.get("/officer/follow-ups").get_data(as_text=True)
        assert h1(page) == "Follow-ups"
        assert f"Follow-up {follow_up_of(late).id}<" in page and f"Follow-up {follow_up_of(health).id}<" in page
        assert f"Follow-up {follow_up_of(social).id}<" not in page  # resolved ones are left out by default
        assert page.count("govuk-tag--red") == 1  # one overdue
        assert "2 follow-ups." in page
        overdue = client.get("/officer/follow-ups?overdue=yes").get_data(as_text=True)
        assert (
            f"Follow-up {follow_up_of(late).id}<" in overdue and f"Follow-up {follow_up_of(health).id}<" not in overdue
        )
        health_only = client.get("/officer/follow-ups?owner=health").get_data(as_text=True)
        assert "1 follow-up." in health_only and f"Follow-up {follow_up_of(health).id}<" in health_only
        resolved = client.get("/officer/follow-ups?state=resolved").get_data(as_text=True)
        assert f"Follow-up {follow_up_of(social).id}<" in resolved and "1 follow-up." in resolved
        assert "3 follow-ups." in client.get("/officer/follow-ups?state=all").get_data(as_text=True)
        empty = client.get("/officer/follow-ups?owner=health&state=resolved").get_data(as_text=True)
        assert "No follow-ups match these choices." in empty and "<table" not in empty
        nonsense = client.get("/officer/follow-ups?owner=nobody&state=lost&page=-3")
        assert nonsense.status_code == 200


def test_the_list_is_paginated(client, app, monkeypatch):
    monkeypatch.setattr("feedback.web.officer.casework.follow_ups.PAGE_SIZE", 2)
    for _ in range(3):
        respond("Not great")
    sign_in(client, Role.OFFICER)
    first = client.get("/officer/follow-ups").get_data(as_text=True)
    assert first.count("/officer/follow-ups/") == 2 and "page=2" in first
    second = client.get("/officer/follow-ups?page=2").get_data(as_text=True)
    assert second.count("/officer/follow-ups/") == 1 and "page=1" in second


def test_the_csv_has_the_filtered_rows_and_neutralises_formulas(client, cases):
    late, health, _ = cases
    officer = sign_in(client, Role.OFFICER, name='=HYPERLINK("http://evil.example")')
    follow_up_of(late).assignee_id = officer.id
    db.session.commit()
    with clock.frozen(LATER):
        reply = client.get("/officer/follow-ups.csv?overdue=yes")
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(r["follow_up"]) for r in rows] == [follow_up_of(late).id]
    [row] = rows
    assert row["assignee"] == '\'=HYPERLINK("http://evil.example")'
    assert row["overdue"] == "yes" and row["due"] == "2026-11-09" and row["state"] == "open"
    assert row["themes"] == "caseworker;communication;timeliness" and "concern" in row["reasons"]
    assert row["child_ref"] == late.invitation.child.ref
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "follow_ups_downloaded"))


def test_the_page_shows_the_response_and_records_changes_and_notes(client, cases):
    late, _, _ = cases
    follow_up = follow_up_of(late)
    colleague = create_user(email="colleague@example.org", name="Colin Colleague", theme="education")
    officer = sign_in(client, Role.OFFICER)
    page = client.get(f"/officer/follow-ups/{follow_up.id}").get_data(as_text=True)
    assert h1(page) == f"Follow-up {follow_up.id}"
    assert "The coordinator never returned my calls" in page  # the free text
    assert late.invitation.contact.name in page and late.invitation.child.ref in page
    assert "Overall, the EHC needs assessment was a positive experience" in page
    assert "Concern in what they wrote or answered" in page and "Negative (" in page

    reply = client.post(
        f"/officer/follow-ups/{follow_up.id}", data={"status": "contacted", "assignee": str(colleague.id)}
    )
    assert reply.status_code == 302
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.CONTACTED and follow_up.contacted_at is not None
    assert follow_up.assignee_id == colleague.id

    with clock.frozen(datetime(2026, 11, 4, 15, 30, tzinfo=UTC)):
        reply = client.post(f"/officer/follow-ups/{follow_up.id}/notes", data={"body": "Called the family back."})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("#notes")
    [note] = db.session.scalars(select(FollowUpNote)).all()
    assert (note.body, note.author_id) == ("Called the family back.", officer.id)
    page = client.get(f"/officer/follow-ups/{follow_up.id}").get_data(as_text=True)
    assert "4 November 2026 at 3:30pm" in page and "Called the family back." in page

    client.post(f"/officer/follow-ups/{follow_up.id}", data={"status": "resolved", "assignee": ""})
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.RESOLVED and follow_up.resolved_at and follow_up.assignee_id is None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "follow_up").order_by(AuditEvent.id)
    ).all()
    assert actions.count("follow_up_changed") == 2 and "follow_up_note_added" in actions
    assert "follow_up_viewed" in actions
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "follow_up_note_added")).all()
    assert all("Called" not in (d or "") for d in details)  # the note's text is not copied into the audit log


def test_errors_keep_the_page_and_say_what_to_fix(client, cases):
    late, _, _ = cases
    follow_up = follow_up_of(late)
    sign_in(client, Role.OFFICER)
    for body in ("", "   "):
        page = client.post(f"/officer/follow-ups/{follow_up.id}/notes", data={"body": body}).get_data(as_text=True)
        assert "<title>Error: Follow-up" in page and "There is a problem" in page and "Enter a note" in page
    too_long = client.post(f"/officer/follow-ups/{follow_up.id}/notes", data={"body": "x" * 2001}).get_data(
        as_text=True
    )
    assert "2,000 characters or fewer" in too_long and "x" * 2001 in too_long  # what was typed is kept
    bad = client.post(f"/officer/follow-ups/{follow_up.id}", data={"status": "lost", "assignee": "999"})
    assert bad.status_code == 200 and "Error:" in bad.get_data(as_text=True)
    db.session.refresh(follow_up)
    assert follow_up.status == FollowUpStatus.OPEN and not follow_up.notes
    assert client.get("/officer/follow-ups/99999").status_code == 404


def test_viewers_never_see_follow_ups_and_the_attempt_is_audited(client, cases):
    late, _, _ = cases
    sign_in(client, Role.VIEWER)
    for url in (
        "/officer/follow-ups",
        "/officer/follow-ups.csv",
        f"/officer/follow-ups/{follow_up_of(late).id}",
        "/officer/safeguarding-alerts",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/officer/follow-ups/{follow_up_of(late).id}/notes", data={"body": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "forbidden")) == 5
    navigation = client.get("/officer/outbox").get_data(as_text=True)
    assert "/officer/follow-ups" not in navigation and "/officer/safeguarding-alerts" not in navigation
