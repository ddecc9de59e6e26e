"""Officers' Markdown becomes safe HTML: never their HTML or script (feedback.publishing.markup), pure."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from feedback.publishing.markup import excerpt, plain_text, render_markdown


def test_script_is_shown_as_text_never_run():
    html = render_markdown("Before <script>alert('x')</script> after")
    assert "<script" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='javascript:alert(1)'>x</a>",
        "<img src=x onerror=alert(1)>",
        '<iframe src="https://example.org"></iframe>',
        "[x](<javascript:alert(1)>)",
    ],
)
def test_no_script_link_or_raw_html_gets_through(source):
    elements = Elements()
    elements.feed(render_markdown(source))
    assert {tag for tag, _ in elements.found} <= {"p", "a"}
    for tag, attributes in elements.found:
        assert set(attributes) <= {"href", "class", "rel"}, (tag, attributes)
        href = (attributes.get("href") or "").strip().lower()
        assert href.startswith(("http://", "https://", "mailto:")) or not href, href


class Elements(HTMLParser):
    """Every element a browser would build from the HTML, with its attributes (text is not an element)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_ordinary_markdown_gets_govuk_classes_and_safe_links():
    html = render_markdown("**Bold** and *em*\n\n- one\n- two\n\n1. first\n\n[Local Offer](https://example.org/offer)")
    assert '<p class="govuk-body"><strong>Bold</strong> and <em>em</em></p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert 'href="https://example.org/offer"' in html and 'class="govuk-link"' in html
    assert 'rel="noopener noreferrer"' in html


def test_headings_never_compete_with_the_page_headings():
    html = render_markdown("# Big\n\n## Smaller")
    assert "<h1" not in html and "<h2" not in html
    assert '<h3 class="govuk-heading-s">Big</h3>' in html and "<h4" in html


def test_plain_text_and_excerpt():
    assert plain_text("**We** hired <b>two</b> [people](https://example.org)") == "We hired <b>two</b> people"
    assert excerpt("word " * 100, 30).endswith("…")
    assert len(excerpt("word " * 100, 30)) <= 31
    assert excerpt("Short.") == "Short."
