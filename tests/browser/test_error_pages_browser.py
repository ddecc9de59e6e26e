"""The error pages families and officers may meet pass axe-core and fit a 320 px screen."""

from __future__ import annotations

import pytest
from flask import abort
from flask_wtf.csrf import CSRFError

from feedback.web.access import ACCESS, ANYONE
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "403": "You cannot see this page",
    "413": "The file is too large",
    "429": "Too many attempts",
    "500": "Sorry, there is a problem with the service",
    "csrf": "The page had expired",
}


@pytest.fixture
def error_app(app, monkeypatch):
    """A route that fails on purpose, so each error handler renders its real page."""

    @app.get("/_fail/<kind>")
    def fail(kind: str):
        if kind == "csrf":
            raise CSRFError("The CSRF token is missing.")
        abort(int(kind))

    monkeypatch.setitem(ACCESS, "fail", ANYONE)  # a test-only route, open like the pages whose errors it shows
    return app


def test_error_pages(error_app, live_server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    for kind, heading in PAGES.items():
        reply = page.goto(f"{live_server}/_fail/{kind}")
        assert reply.status == (400 if kind == "csrf" else int(kind))
        assert page.locator("h1").inner_text() == heading
        assert page.title().startswith(heading)
        assert axe_violations(page) == [], kind
        assert_no_horizontal_scroll(page)
    context.close()
