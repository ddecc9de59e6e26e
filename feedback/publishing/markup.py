"""Officers write entries in Markdown; the public sees it as safe HTML with GOV.UK classes.

Two guards, so that an officer can never put HTML or script on a public page: markdown-it-py's "js-default"
preset (raw HTML off, so `<script>` comes out as text; `javascript:`, `vbscript:`, `file:` and `data:` links
refused) and then nh3, which keeps only the tags and attributes listed below whatever the parser produced.
Headings are moved two levels down: the page's own h1 and h2 ("You said", "We did") stay the only ones.
"""

from __future__ import annotations

from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

HEADING_SHIFT = 2  # "# Heading" in an entry is an h3 on the page
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6", "code", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
CLASSES = {
    "p": "govuk-body",
    "a": "govuk-link",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "blockquote": "app-quote",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("js-default").disable(["image", "table"])
    return parser


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def render_markdown(text: str | None) -> str:
    """Markdown to sanitised HTML (a string the templates may mark safe)."""
    parser = _parser()
    tokens = parser.parse(text or "")
    _shift_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": value} for tag, value in CLASSES.items()},
    )


def plain_text(text: str | None) -> str:
    """What a Markdown text says, without any markup, on one line (for summaries and the search of flags)."""
    html = _parser().render(text or "")
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def excerpt(text: str | None, limit: int = 200) -> str:
    """The first `limit` characters of the plain text, cut at a word, with an ellipsis when cut."""
    words = plain_text(text)
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…"
