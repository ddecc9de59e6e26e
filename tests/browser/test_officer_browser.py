"""Officer pages in a real browser: sign in, each page passes axe-core, on a laptop and at 320 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from feedback.core.extensions import db
from feedback.models import InvitationStatus, Message, MessageStatus, User
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations, sign_in_with_forms
from tests.factories import create_invitation, create_user
from tests.surveys.test_journey import full_answers

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


def sign_in(page, base: str, email: str) -> None:
    user = db.session.scalar(select(User).where(User.email == email))
    sign_in_with_forms(page, base, user, PASSWORD, check=lambda p: _no_violations(p))


def _no_violations(page) -> None:
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1200, 320])
def test_officer_pages_pass_axe(live_server, browser, client, width):
    create_user(email="olivia@example.org", password=PASSWORD)
    sent = datetime(2026, 10, 1, 9, tzinfo=UTC)
    due, _ = create_invitation(
        "new_plan",
        status=InvitationStatus.OPEN,
        first_sent_at=sent,
        call_list_at=sent + timedelta(days=21),
        call_reason="no_response",
    )
    answered, token = create_invitation("annual_review")
    client.post(f"/s/{token}", data=full_answers("annual_review", went_well="Clear and kind."))
    db.session.add(
        Message(
            invitation=due,
            sequence=1,
            channel="email",
            purpose="invite",
            status=MessageStatus.OUTBOX,
            body="Tell us about your new EHC plan",
        )
    )
    db.session.commit()

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, "olivia@example.org")
    assert page.locator("h1").inner_text().startswith("Family feedback: ")  # the dashboard
    paths = [
        "/officer/",
        "/officer/call-list",
        f"/officer/call-list/{due.id}",
        f"/officer/call-list/{due.id}/answers",
        "/officer/outbox",
        "/officer/replies",
        "/officer/import",
        "/officer/sign-out",
    ]
    for path in paths:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
        if width == 320:
            assert_no_horizontal_scroll(page)

    # Error states too: a call saved without an outcome.
    page.goto(f"{live_server}/officer/call-list/{due.id}")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    # An import with a bad row: every problem listed, accessibly; then a good file.
    header = "child_ref,event,event_date,ethnicity,contact_role,contact_name,contact_email,contact_mobile\n"
    for body, expected in (
        (
            header + "B1,new_plan,2026-11-02,XXXX,parent_carer,Sam Example,sam@example.org,\n",
            "is not a DfE school census",
        ),
        (header + "B1,new_plan,2026-11-02,WSCO,parent_carer,Sam Example,sam@example.org,\n", "Invitations"),
    ):
        page.goto(f"{live_server}/officer/import")
        page.set_input_files(
            "input[type='file']", files=[{"name": "events.csv", "mimeType": "text/csv", "buffer": body.encode()}]
        )
        with page.expect_navigation():
            page.locator("main form button[type='submit']").click()
        text = page.locator("main").inner_text()
        assert expected in text
        assert ("There is a problem" in text) == (expected != "Invitations")
        assert axe_violations(page) == []
        if width == 320:
            assert_no_horizontal_scroll(page)
    context.close()
