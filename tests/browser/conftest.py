"""A live server in a thread and Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serves the test app (CSRF on, as in production) on a free loopback port."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[dict]:
    """Run axe-core from the npm package on the current page; returns the violations."""
    assert AXE.exists(), "run `npm ci` first: axe-core comes from the npm package"
    # Evaluated through the DevTools protocol, which the page's CSP (no inline script) does not block.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_horizontal_scroll(page, where: str = "") -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    client = page.evaluate("document.documentElement.clientWidth")
    culprits = page.evaluate(
        "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)"
        ".slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"
        " .concat([...document.querySelectorAll('.app-table-wrap')].map(e => 'wrap ' + e.getBoundingClientRect().width"
        " + ' ' + getComputedStyle(e).overflowX))",
        client,
    )
    assert width <= client, f"{culprits} {where or page.url} scrolls sideways: {width}px content in {client}px"


OFFICER_PASSWORD = "a long enough password"


def sign_in_officer(page, base: str, role: str = "officer", email: str | None = None):
    """Create an officer with `role` (two-factor set up) and sign in through the real forms; returns the user.

    Browser tests for officer pages sign in through this one helper, so that a change to signing in
    is made here once.
    """
    from feedback.models import Role
    from tests.factories import create_user

    user = create_user(email=email or f"{role}-browser@example.org", password=OFFICER_PASSWORD, role=Role(role))
    sign_in_with_forms(page, base, user)
    return user


def sign_in_with_forms(page, base: str, user, password: str = OFFICER_PASSWORD, check=None) -> None:
    """The password form, then the code from the user's authenticator (computed from their key, at the
    app's clock). `check(page)` runs on each of the two pages (an axe check, say)."""
    from tests.factories import totp

    page.goto(f"{base}/officer/sign-in")
    if check:
        check(page)
    page.fill("input[name='email']", user.email)
    page.fill("input[name='password']", password)
    with page.expect_navigation():
        page.locator("main button[type='submit']").click()
    assert page.url.endswith("/officer/two-factor"), page.url
    if check:
        check(page)
    page.fill("input[name='code']", totp(user))
    with page.expect_navigation():
        page.locator("main button[type='submit']").click()
