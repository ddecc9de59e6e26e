"""The survey journey in a real browser on a phone-sized screen, checked with axe-core."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.core.extensions import db
from feedback.models import InvitationStatus, Response
from feedback.surveys.definitions import SURVEYS
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations
from tests.factories import create_invitation

pytestmark = pytest.mark.browser


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main button[type='submit'], main input[type='submit']").first.click()


def answer_everything(page, survey_key: str) -> None:
    survey = SURVEYS[survey_key]
    for statement in survey.statements:
        page.locator(f"input[name='{statement.key}'][value='{survey.scale[0].value}']").check()
    page.locator("textarea[name='went_well']").fill("Everyone listened to us.")
    page.locator("input[name='consent_contact'][value='no']").check()
    page.locator("input[name='consent_quote'][value='yes']").check()


@pytest.mark.parametrize("survey_key", list(SURVEYS))
def test_phone_journey_and_accessibility(live_server, phone, survey_key):
    invitation, token = create_invitation(survey_key)
    url = f"{live_server}/s/{token}"

    phone.goto(url)
    assert phone.locator("h1").inner_text().startswith("Your")
    assert axe_violations(phone) == []

    # Submit with one answer missing: errors shown, everything else kept.
    survey = SURVEYS[survey_key]
    answer_everything(phone, survey_key)
    phone.locator("textarea[name='do_better']").fill("More notice of meetings.")
    phone.evaluate(
        f"document.querySelectorAll(\"input[name='{survey.statements[-1].key}']\").forEach(i => i.checked = false)"
    )
    submit(phone)
    assert phone.locator(".govuk-error-summary").is_visible()
    assert phone.title().startswith("Error: ")
    assert axe_violations(phone) == []
    assert phone.locator("textarea[name='do_better']").input_value() == "More notice of meetings."
    assert phone.locator("textarea[name='went_well']").input_value() == "Everyone listened to us."
    assert phone.locator(f"input[name='{survey.statements[0].key}'][value='{survey.scale[0].value}']").is_checked()
    # The error summary link takes the user to the unanswered question.
    phone.locator(".govuk-error-summary a").first.click()

    phone.locator(f"input[name='{survey.statements[-1].key}'][value='{survey.scale[0].value}']").check()
    submit(phone)
    assert phone.url == f"{url}/done"
    assert "Thank you for your answers" in phone.locator("h1").inner_text()
    assert axe_violations(phone) == []

    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    assert response is not None
    assert {a.question_key: a.choice or a.text for a in response.answers}[survey.statements[0].key] == survey.scale[
        0
    ].value

    # Back button and submitting again: still one response.
    phone.goto(url)
    assert "We already have your answers" in phone.locator("h1").inner_text()
    assert axe_violations(phone) == []
    assert phone.console_errors == []


@pytest.mark.parametrize("survey_key", list(SURVEYS))
def test_320px_wide_has_no_horizontal_scroll(live_server, browser, survey_key):
    _, token = create_invitation(survey_key)
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/s/{token}")
    assert_no_horizontal_scroll(page)
    submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("survey_key", list(SURVEYS))
def test_closed_not_found_and_stop_pages(live_server, phone, survey_key):
    _, closed_token = create_invitation(survey_key, status=InvitationStatus.CLOSED)
    phone.goto(f"{live_server}/s/{closed_token}")
    assert phone.locator("h1").inner_text() == "This survey has closed"
    assert axe_violations(phone) == []

    phone.goto(f"{live_server}/s/no-such-token")
    assert phone.locator("h1").inner_text() == "Page not found"
    assert axe_violations(phone) == []

    invitation, token = create_invitation(survey_key)
    phone.goto(f"{live_server}/s/{token}/stop")
    assert axe_violations(phone) == []
    submit(phone)
    assert phone.locator("h1").inner_text() == "You will not get any more messages"
    assert axe_violations(phone) == []
    db.session.expire_all()
    db.session.refresh(invitation.contact)
    assert invitation.contact.opted_out_at is not None


def test_no_crown_and_no_gds_transport_anywhere(live_server, phone):
    _, token = create_invitation("new_plan")
    for path in (f"/s/{token}", "/", "/accessibility", "/privacy", "/cookies", "/you-said-we-did", "/officer/sign-in"):
        phone.goto(live_server + path)
        html = phone.content()
        assert "crown" not in html.lower() and "GDS Transport" not in html
        fonts = phone.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert "GDS Transport" not in fonts and "arial" in fonts.lower()
        assert axe_violations(phone) == [], path
