"""The dashboard, the responses list, a response's page and the paper/in-person entry in a real browser:
axe-core finds nothing at 1200 px and at 320 px (where nothing scrolls sideways), empty and error states too."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import FollowUp, ResponseChannel, ResponseTheme
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations, sign_in_officer
from tests.factories import create_child, create_contact, create_invitation, create_response

pytestmark = pytest.mark.browser
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 2026/27 Q3


def check(page, base: str, path: str, width: int, *, h1_starts: str | None = None) -> str:
    page.goto(base + path)
    assert page.locator("h1").count() == 1, path
    heading = page.locator("h1").inner_text()
    if h1_starts:
        assert heading.startswith(h1_starts), (path, heading)
    assert page.title().startswith(("Error: " + heading) if page.locator(".govuk-error-summary").count() else heading)
    assert axe_violations(page) == [], path
    if width == 320:
        assert_no_horizontal_scroll(page, path)
    return page.locator("main").inner_text()


@pytest.fixture
def data(app):
    with clock.frozen(NOW):
        for n, (event, choice) in enumerate(
            [
                (date(2026, 10, 5), "agree"),
                (date(2026, 11, 2), "disagree"),
                (date(2025, 10, 6), "strongly_agree"),
                (date(2026, 7, 1), "agree"),
            ]  # fmt: skip
        ):
            create_response(
                "new_plan", event, {"assessment_positive": choice}, at=datetime(2026, 11, 10 + n, tzinfo=UTC)
            )
        flagged = create_response(
            "annual_review",
            date(2026, 10, 12),
            texts={"do_better": "Nobody returned my calls and the plan arrived months late. " * 6},
            channel=ResponseChannel.PHONE,
        )
        flagged.sentiment_polarity, flagged.concern = -0.42, True
        if db.session.get(ResponseTheme, (flagged.id, "communication")) is None:  # the analysis may have found it
            db.session.add(ResponseTheme(response_id=flagged.id, theme="communication"))
        if db.session.get(FollowUp, flagged.id) is None and not flagged.follow_ups:
            db.session.add(FollowUp(response_id=flagged.id, reasons=["concern"]))
        create_response("annual_review_young_person", date(2026, 10, 20))
        waiting, _ = create_invitation(
            "new_plan", date(2026, 11, 9), contact=create_contact(create_child(ref="NS-77001"))
        )
        db.session.commit()
        return {"flagged": flagged.id, "waiting": waiting.id}


@pytest.mark.parametrize("width", [1200, 320])
def test_insight_pages_pass_axe(live_server, browser, data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    with clock.frozen(NOW):
        sign_in_officer(page, live_server)
        base = live_server
        text = check(page, base, "/officer/", width, h1_starts="Family feedback: 2026/27 Q3")
        assert "Chase funnel" in text
        check(page, base, "/officer/?year=2026/27&quarter=", width, h1_starts="Family feedback: 2026/27")
        empty = check(page, base, "/officer/?year=2019/20&quarter=1", width, h1_starts="Family feedback: 2019/20 Q1")
        assert "There are no invitations or responses" in empty
        error = check(page, base, "/officer/?year=banana", width, h1_starts="Family feedback figures")
        assert "Select a financial year from the list" in error

        listing = check(page, base, "/officer/responses", width, h1_starts="Responses")
        assert "6 responses" in listing
        check(page, base, "/officer/responses?year=2026/27&quarter=3&sentiment=negative&theme=communication", width)
        none = check(page, base, "/officer/responses?channel=in_person", width)
        assert "No responses match these filters." in none
        bad = check(page, base, "/officer/responses?channel=fax&quarter=2", width)
        assert "There is a problem" in bad

        one = check(page, base, f"/officer/responses/{data['flagged']}", width, h1_starts="Response")
        assert "months late" in one and "Concern" in one

        check(page, base, "/officer/enter-answers", width, h1_starts="Enter answers")
        found = check(page, base, "/officer/enter-answers?ref=ns-77", width)
        assert "NS-77001" in found
        missing = check(page, base, "/officer/enter-answers?ref=", width)
        assert "Enter the child's reference" in missing
        check(page, base, f"/officer/enter-answers/{data['waiting']}/paper", width, h1_starts="Paper answers")
        with page.expect_navigation():
            page.locator("main form button[type='submit']").click()
        assert page.locator(".govuk-error-summary").is_visible()
        assert axe_violations(page) == []
        if width == 320:
            assert_no_horizontal_scroll(page, "entry form with errors")
        check(page, base, f"/officer/enter-answers/{data['waiting']}/in-person", width, h1_starts="In-person answers")
    context.close()


def test_the_dashboard_prints_on_a4_without_the_form_or_the_menu(live_server, browser, data):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    with clock.frozen(NOW):
        sign_in_officer(page, live_server)
        page.goto(live_server + "/officer/")
    page.emulate_media(media="print")
    assert not page.locator("form.app-period-form").is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert page.locator("svg.app-chart").first.is_visible() and page.locator(".app-trend-table").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()
