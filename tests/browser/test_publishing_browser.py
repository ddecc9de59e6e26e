"""You said, we did and the public results in a real browser: every public page and the editor pass axe-core,
at 1200 px and at 320 px without sideways scrolling, error states included; the filter works without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from feedback.core import clock
from feedback.core.extensions import db
from feedback.publishing.entries import add_quote
from tests.browser.conftest import assert_no_horizontal_scroll, axe_violations, sign_in_officer
from tests.publishing.conftest import TUESDAY, london, make_entry, respond

pytestmark = pytest.mark.browser


def seed():
    """Twelve published entries (two pages), one with a quote; results over two financial years; a draft that
    names someone (so the editor shows its flags)."""
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        quoted = respond(consent_quote=True, consent_contact=True,
                         texts={"went_well": "The caseworker explained every step of the plan to us."})  # fmt: skip
        families = [quoted] + [respond(event_date=date(2026, 5, 1 + n)) for n in range(11)]
        families += [respond("annual_review", event_date=date(2025, 9, 1 + n), choice="disagree") for n in range(6)]
        named = respond(name="Theodora Blackwood")
    themes = ["communication", "timeliness", "transport", "plan_quality"]
    entries = []
    for n in range(12):
        published = london(TUESDAY - timedelta(days=n))
        title = f"A change we made number {n + 1}"
        entries.append(make_entry(title=title, theme=themes[n % 4], responses=families[: 3 + n], publish_at=published))
    add_quote(entries[0], quoted, "went_well", "The caseworker explained every step of the plan to us.", None)
    db.session.commit()
    draft = make_entry(title="A draft that names someone", we_did="Theodora asked for this. " + "Long text " * 40,
                       responses=[named, quoted])  # fmt: skip
    return entries, draft


def check(page, url: str, width: int) -> None:
    page.goto(url)
    assert page.locator("h1").count() == 1, url
    title = page.title()
    assert title.startswith(page.locator("h1").inner_text().strip()[:20]) or title.startswith("Error: "), (url, title)
    assert axe_violations(page) == [], url
    if width == 320:
        assert_no_horizontal_scroll(page, url)


@pytest.mark.parametrize("width", [1200, 320])
def test_public_pages_pass_axe(live_server, browser, width):
    entries, _ = seed()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    paths = [
        "/",
        "/you-said-we-did",
        "/you-said-we-did?page=2",
        "/you-said-we-did?theme=transport&year=2026/27",
        "/you-said-we-did?theme=social_care",  # no entry matches
        f"/you-said-we-did/{entries[0].slug}",
        "/results",
        "/results?year=2025/26",
        "/results?year=2030/31",  # nobody asked
        "/you-said-we-did/no-such-entry",  # the 404 page
    ]
    for path in paths:
        check(page, live_server + path, width)
    page.goto(f"{live_server}/you-said-we-did/{entries[0].slug}")
    assert "The caseworker explained every step" in page.locator("main").inner_text()
    context.close()


def test_the_filter_works_without_javascript(live_server, browser):
    seed()
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/you-said-we-did")
    page.select_option("#theme", "transport")
    with page.expect_navigation():
        page.get_by_role("button", name="Show entries").click()
    assert "entries about transport" in page.locator("main").inner_text()
    assert "theme=transport" in page.url
    context.close()


@pytest.mark.parametrize("width", [1200, 320])
def test_the_editor_passes_axe_error_states_included(live_server, browser, width):
    entries, draft = seed()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in_officer(page, live_server)
    quote_url = f"/officer/you-said-we-did/{draft.id}/quotes/new?response={entries[0].responses[0].id}&answer=went_well"
    for path in [
        "/officer/you-said-we-did",
        "/officer/you-said-we-did?status=draft",
        "/officer/you-said-we-did/new",
        f"/officer/you-said-we-did/{draft.id}",
        f"/officer/you-said-we-did/{draft.id}?q=caseworker",
        f"/officer/you-said-we-did/{draft.id}/edit",
        f"/officer/you-said-we-did/{draft.id}/preview",
        f"/officer/you-said-we-did/{draft.id}/publish",
        f"/officer/you-said-we-did/{entries[0].id}",
        f"/officer/you-said-we-did/{entries[0].id}/history",
        f"/officer/you-said-we-did/{entries[0].id}/withdraw",
        quote_url,
    ]:
        check(page, live_server + path, width)

    # An empty title and a bad date.
    page.goto(f"{live_server}/officer/you-said-we-did/new")
    page.fill("#you_said", "Families told us <script>alert(1)</script>")
    page.fill("#progress_on-day", "31")
    page.fill("#progress_on-month", "2")
    page.fill("#progress_on-year", "2026")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter a title" in summary.inner_text()
    assert "Date must be a real date" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.input_value("#you_said") == "Families told us <script>alert(1)</script>"  # kept as typed
    assert axe_violations(page) == []
    if width == 320:
        assert_no_horizontal_scroll(page)

    # Publishing something that names someone is refused, with the flags listed.
    page.goto(f"{live_server}/officer/you-said-we-did/{draft.id}/publish")
    page.check("#when")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()
    assert "“Theodora” may be a name" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # A publication date that is not a date; a withdrawal without a reason.
    page.goto(f"{live_server}/officer/you-said-we-did/{entries[1].id}/withdraw")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert "Enter why you are withdrawing it" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    context.close()


def test_script_in_markdown_is_shown_never_run(live_server, browser):
    with clock.frozen(london(TUESDAY)):
        script = '<script>window.ran = true</script> and <img src=x onerror="window.ran=true">'
        action = make_entry(title="Scripted", you_said=script, publish_at=london(TUESDAY))
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/you-said-we-did/{action.slug}")
    assert page.evaluate("window.ran === undefined")
    assert "<script>window.ran = true</script>" in page.locator("main").inner_text()
    context.close()
