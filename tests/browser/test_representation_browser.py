"""Whose voice is it? in a real browser: axe-core finds nothing on the representation page at 1200 px and (by
primary need, one survey) at 320 px, where nothing scrolls sideways; the trend chart reads without colour and
has its table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback.core import clock
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations, sign_in_officer
from tests.representation.known_quarter import build_known_quarter

pytestmark = pytest.mark.browser
NOW = datetime(2026, 12, 21, 11, 0, tzinfo=UTC)  # 2026/27 Q3


def test_the_representation_page_passes_axe_wide_and_at_320_px(live_server, browser, app):
    build_known_quarter()
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    with clock.frozen(NOW):
        sign_in_officer(page, live_server, role="viewer")
        for width, path in (
            (1200, "/officer/representation"),
            (320, "/officer/representation?year=2026/27&quarter=3&survey=new_plan&by=primary_need"),
        ):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server + path)
            assert page.locator("h1").count() == 1
            error = "Error: " if page.locator(".govuk-error-summary").count() else ""
            assert page.title().startswith(error + page.locator("h1").inner_text()), path
            assert axe_violations(page) == [], (width, path)
            if width == 320:
                assert_no_horizontal_scroll(page, path)
        page.goto(live_server + "/officer/representation")
        assert (
            "38% of respondents (8/21) compared with 35% of the cohort (21/60)"
            in page.locator("#headline").inner_text()
        )
        chart = page.locator("svg.app-chart")
        # Without colour: every line has its own dash pattern and marker shape, and is named at its end.
        dashes = chart.locator("polyline").evaluate_all("ls => ls.map(l => l.getAttribute('stroke-dasharray') || '')")
        assert len(set(dashes)) == len(dashes) >= 2
        names = chart.locator("text[font-weight='bold']").evaluate_all("ts => ts.map(t => t.textContent)")
        assert {"Respondents 2026/27", "Cohort 2026/27"} <= set(names)
        assert chart.get_attribute("role") == "img" and chart.locator("desc").count() == 1
        assert page.locator("#trend-table tbody tr").count() == 12  # its table: every quarter of three years
    context.close()
