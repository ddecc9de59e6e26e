"""A viewer sees figures only: every page with a name, reference, contact detail or free text answers 403,
and the attempt is in the audit log; the dashboard they do see carries none of those."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import AuditEvent, InboundSms, Message, MessageStatus
from feedback.web.access import ACCESS, EVERY_ROLE
from tests.factories import create_contact, create_invitation, create_response, sign_in

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CHILD_REF = "CASE-VIEWER-1"
NAME = "Robin Viewertest"
EMAIL = "robin.viewertest@example.org"
FREE_TEXT = "Nobody called back about the transport"


@pytest.fixture
def personal_data(app):
    with clock.frozen(NOW):
        contact = create_contact(name=NAME, email=EMAIL, mobile="+447700900555")
        contact.child.ref = CHILD_REF
        invitation, _ = create_invitation("new_plan", date(2026, 11, 2), contact=contact)
        response = create_response(invitation=invitation, texts={"do_better": FREE_TEXT})
        db.session.add(Message(invitation=invitation, sequence=2, channel="email", purpose="reminder",
                               status=MessageStatus.OUTBOX, body=f"Dear {NAME}"))  # fmt: skip
        db.session.add(InboundSms(notify_id="n-1", source_number="+447700900555", message=FREE_TEXT,
                                  received_at=NOW))  # fmt: skip
        db.session.commit()
        return {"response": response.id, "invitation": invitation.id}


def personal_pages(ids: dict) -> list[str]:
    return [
        "/officer/responses",
        f"/officer/responses/{ids['response']}",
        "/officer/responses.csv",
        "/officer/enter-answers",
        f"/officer/enter-answers?ref={CHILD_REF}",
        f"/officer/enter-answers/{ids['invitation']}/paper",
        "/officer/call-list",
        f"/officer/call-list/{ids['invitation']}",
        "/officer/outbox",
        "/officer/outbox?to=staff",
        "/officer/replies",
        "/officer/import",
    ]


def test_a_viewer_is_refused_every_page_with_personal_data_and_it_is_audited(client, personal_data):
    viewer = sign_in(client, "viewer")
    pages = personal_pages(personal_data)
    for path in pages:
        reply = client.get(path)
        assert reply.status_code == 403, path
        html = reply.get_data(as_text=True)
        assert CHILD_REF not in html and NAME not in html and FREE_TEXT not in html, path
    refused = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "forbidden", AuditEvent.user_id == viewer.id)
    ).all()
    assert len(refused) == len(pages)
    assert {e.object_id for e in refused} >= {"officer.responses", "officer.response", "officer.outbox"}


def test_officers_and_admins_may_open_those_pages(client, personal_data):
    for role in ("officer", "admin"):
        sign_in(client, role)
        for path in personal_pages(personal_data):
            reply = client.get(path)  # the answered invitation's entry form redirects: already answered
            assert reply.status_code in (200, 302) and "sign-in" not in reply.headers.get("Location", ""), path


def test_the_dashboard_shows_a_viewer_figures_and_nothing_personal(client, personal_data):
    sign_in(client, "viewer")
    with clock.frozen(NOW):
        reply = client.get("/officer/")
        html = reply.get_data(as_text=True)
        tables = ("surveys", "statements", "trend", "funnel")
        csvs = [client.get(f"/officer/figures/{t}.csv").get_data(as_text=True) for t in tables]
    assert reply.status_code == 200
    assert "100% (1/1)" in html  # the one response's "Agree"s
    for text in [html, *csvs]:
        assert CHILD_REF not in text and NAME not in text and EMAIL not in text and FREE_TEXT not in text
        assert "07700 900555" not in text and "+447700900555" not in text


def menu(html: str) -> set[str]:
    """The links in the service navigation's list."""
    block = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', block))


def test_a_viewer_menu_lists_only_what_they_may_open(client):
    sign_in(client, "viewer")
    assert menu(client.get("/officer/").get_data(as_text=True)) == {
        "/officer/",
        "/officer/account/password",
        "/officer/sign-out",
    }
    sign_in(client, "officer")
    officer_menu = menu(client.get("/officer/").get_data(as_text=True))
    assert {"/officer/responses", "/officer/enter-answers", "/officer/call-list", "/officer/outbox"} <= officer_menu


def test_figures_pages_are_the_only_ones_open_to_viewers():
    figures = {endpoint for endpoint, rule in ACCESS.items() if rule == EVERY_ROLE}
    assert {"officer.dashboard", "officer.figures_csv"} <= figures
    assert not figures & {"officer.outbox", "officer.replies", "officer.responses", "officer.response"}
