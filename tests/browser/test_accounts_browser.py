"""Signing in with two factors in a real browser, and axe-core on the account pages: sign-in, two-factor
set-up (with an error) and entry, recovery codes, users, a user, inviting (with an error), the audit log and
the session warning, at 1200 px and 320 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from feedback.core import clock
from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.models import Role
from tests.browser.conftest import OFFICER_PASSWORD, assert_no_horizontal_scroll, axe_violations
from tests.factories import create_user

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: what is checked here is the browser's side, the same on either database."""
    return f"sqlite:///{tmp_path / 'test.db'}"


T0 = datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC)


def _check(page, width: int) -> None:
    assert page.locator("h1").count() == 1, page.url
    assert axe_violations(page) == [], page.url
    if width == 320:
        assert_no_horizontal_scroll(page)


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type='submit']").last.click()


def test_two_factor_sign_in_and_account_pages_pass_axe(live_server, browser):
    clock.set_now(T0)
    admin = create_user("ada@example.org", password=OFFICER_PASSWORD, role=Role.ADMIN, name="Ada Admin",
                        two_factor=False)  # fmt: skip
    other = create_user("otto@example.org", name="Otto Officer")
    record_audit("view_response", "response", 7, user_id=other.id)
    db.session.commit()
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()

    # First sign-in: password, then set up two-factor sign-in from the key shown as text.
    page.goto(f"{live_server}/officer/sign-in")
    _check(page, 1200)
    page.fill("input[name='email']", admin.email)
    page.fill("input[name='password']", OFFICER_PASSWORD)
    _submit(page)
    assert page.url.endswith("/officer/two-factor/set-up")
    assert page.locator("main svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("input[name='code']", "000000")
    _submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    _check(page, 1200)
    page.fill("input[name='code']", pyotp.TOTP(secret).at(clock.now()))
    _submit(page)
    assert page.locator("#recovery-codes li").count() == 10
    _check(page, 1200)
    page.locator("main a.govuk-button").click()
    page.wait_for_url(f"{live_server}/officer/")

    # Sign out, and in again with a code (a new 30-second step: a code works once).
    page.goto(f"{live_server}/officer/sign-out")
    _submit(page)
    clock.set_now(T0 + timedelta(seconds=30))
    page.fill("input[name='email']", admin.email)
    page.fill("input[name='password']", OFFICER_PASSWORD)
    _submit(page)
    assert page.url.endswith("/officer/two-factor")
    page.set_viewport_size({"width": 320, "height": 900})
    _check(page, 320)
    page.fill("input[name='code']", pyotp.TOTP(secret).at(clock.now()))
    _submit(page)
    assert page.url.endswith("/officer/")

    # At 320 px the pages with tables and filters; the plainer forms at 1200 px (same components).
    pages = {
        "/officer/users": 320,
        f"/officer/users/{other.id}": 320,
        f"/officer/audit?user={other.id}&action=view_response": 320,
        "/officer/users/invite": 1200,
        "/officer/session-ending?next=/officer/": 1200,
    }
    for path, width in pages.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + path)
        _check(page, width)
    # An error state: an invitation without a name or email.
    page.goto(f"{live_server}/officer/users/invite")
    _submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    _check(page, 1200)
    context.close()
    clock.set_now(None)
