"""Follow-ups and safeguarding pages in Chromium: axe-core finds nothing at 1200 px and at 320 px (no sideways
scrolling), empty and error states included; the thank-you page's child-safety words on a phone."""

from __future__ import annotations

import pytest

from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import FollowUp, SafeguardingAlert
from feedback.surveys.definitions import get_survey
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations, sign_in_officer
from tests.factories import create_invitation
from tests.insight.test_follow_up_pages import respond
from tests.surveys.test_journey import full_answers

pytestmark = pytest.mark.browser


def check(page, url: str, width: int) -> None:
    page.goto(url)
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url
    if width == 320:
        assert_no_horizontal_scroll(page, url)


@pytest.mark.parametrize("width", [1200, 320])
def test_empty_pages_pass_axe(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in_officer(page, live_server)
    for path in ("/officer/follow-ups", "/officer/follow-ups?owner=health&overdue=yes", "/officer/safeguarding-alerts"):
        check(page, live_server + path, width)
    assert page.locator("text=No alert is waiting").is_visible()
    context.close()


@pytest.mark.parametrize("width", [1200, 320])
def test_pages_with_cases_and_errors_pass_axe(live_server, browser, width):
    respond("The coordinator never returned my calls and the plan arrived months late", consent_contact="yes")
    respond(
        "My son says another pupil punches him every day and the staff do nothing. "
        + "The taxi driver is lovely but the journey takes over an hour each way. " * 3
    )
    follow_up = db.session.scalars(db.select(FollowUp).order_by(FollowUp.id)).first()
    alert = db.session.scalars(db.select(SafeguardingAlert)).one()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in_officer(page, live_server, role="admin")
    for path in (
        "/officer/follow-ups",
        "/officer/follow-ups?state=all",
        f"/officer/follow-ups/{follow_up.id}",
        "/officer/safeguarding-alerts",
        f"/officer/safeguarding-alerts/{alert.id}",
    ):
        check(page, live_server + path, width)
    page.goto(f"{live_server}/officer/follow-ups")
    assert page.locator("#safeguarding-banner").is_visible()

    # Error states: a note with nothing in it; an alert closed without saying what was done.
    page.goto(f"{live_server}/officer/follow-ups/{follow_up.id}")
    with page.expect_navigation():
        page.locator("form[action$='/notes'] button").click()
    assert page.locator(".govuk-error-summary").is_visible() and page.title().startswith("Error: ")
    assert axe_violations(page) == []
    if width == 320:
        assert_no_horizontal_scroll(page, "note error")
    page.goto(f"{live_server}/officer/safeguarding-alerts/{alert.id}")
    with page.expect_navigation():
        page.locator("main form button").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    # Record what was done: the banner goes, the handled list passes axe.
    page.fill("textarea[name='action']", "Referred to the children's services front door.")
    with page.expect_navigation():
        page.locator("main form button").click()
    page.goto(f"{live_server}/officer/follow-ups")
    assert page.locator("#safeguarding-banner").count() == 0
    check(page, f"{live_server}/officer/safeguarding-alerts", width)
    context.close()


@pytest.mark.parametrize("survey_key", ["new_plan", "annual_review_young_person"])
def test_thank_you_page_with_child_safety_words_on_a_phone(live_server, browser, survey_key):
    invitation, token = create_invitation(survey_key)
    save_response(invitation, get_survey(survey_key), full_answers(survey_key))  # the live server checks CSRF
    context = browser.new_context(viewport={"width": 320, "height": 800}, locale="en-GB")
    page = context.new_page()
    check(page, f"{live_server}/s/{token}/done", 320)
    assert page.locator("#child-safety a[href='tel:999']").is_visible()
    context.close()
