"""The survey page in one pass: the page a family first sees, and each question's rendered block, are kept per
survey version and filled in with what changes per request.

A govuk-frontend-wtf widget renders its own template through Flask's render_template, context processors and
all: about eight nested renders a page, most of a survey request's time (issue 11). A block's markup depends
only on the survey version, the call's parameters and the field's state (the chosen value and the error
shown), so it is rendered once per state and then reused: most POSTs with an error render no widget at all.

A family's GET always shows the empty form, so the whole page is rendered once per survey version with
markers where the request's own values go (the link's token, the heading with its event date, the CSP
nonce, the CSRF token) and each GET fills them in: no template runs at all.

A free-text answer is arbitrary: a block holding typed text is rendered every time, never kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import current_app, g, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

UNCACHEABLE = object()
MAX_BLOCKS = 5_000  # a survey version has about ten fields of a few states each: far fewer in practice


def field_state(field) -> tuple | object:
    """What a widget reads from the field beyond its fixed parameters, or UNCACHEABLE for typed text."""
    data = field.data
    choices = getattr(field, "choices", None)
    if choices is not None:
        values = tuple(str(c[0]) if isinstance(c, tuple) else str(c.value) for c in choices)
        if data is not None and data not in values:
            return UNCACHEABLE  # not one of the choices: render as it is
        state: tuple = (values, data)
    elif data in (None, ""):
        state = (data,)
    else:
        return UNCACHEABLE
    return (field.name, field.id, field.type, field.label.text, field.description, *state, tuple(field.errors))


def cached_block(*key, caller) -> Markup:
    """`{% call cached_block(survey.key, survey.version, field_state(field), ...) %}...{% endcall %}`: the body
    rendered once per key in this app, then reused. A key holding UNCACHEABLE is rendered every time."""
    if any(part is UNCACHEABLE for part in key):
        return Markup(caller())
    blocks: dict = current_app.extensions.setdefault("survey_blocks", {})
    html = blocks.get(key)
    if html is None:
        if len(blocks) >= MAX_BLOCKS:
            blocks.clear()
        html = blocks[key] = Markup(caller())
    return html


# Written where a request's own value goes; letters only, so no escaping or URL quoting changes them.
MARKS = {
    "token": "zqSURVEYLINKTOKENqz",
    "heading": "zqSURVEYHEADINGqz",
    "nonce": "zqCSPNONCEqz",
    "csrf": "zqCSRFTOKENqz",
}
_FILL = re.compile("|".join(MARKS.values()))


def empty_form_page(survey, *, heading: str, token: str, render: Callable[..., str]) -> str:
    """The survey page with no answers and no errors: `render(heading=, token=, csrf=)` once per survey
    version (with the nonce a marker too), then this request's values filled in."""
    pages: dict = current_app.extensions.setdefault("survey_pages", {})
    config = current_app.config
    key = (survey.key, survey.version, request.script_root, config["FREE_TEXT_MAX"], config.get("WTF_CSRF_ENABLED"))
    page = pages.get(key)
    if page is None:
        nonce = g.get("csp_nonce", "")
        g.csp_nonce = MARKS["nonce"]
        try:
            page = pages[key] = render(heading=MARKS["heading"], token=MARKS["token"], csrf=MARKS["csrf"])
        finally:
            g.csp_nonce = nonce
    values = {MARKS["token"]: token, MARKS["heading"]: str(escape(heading)), MARKS["nonce"]: g.get("csp_nonce", "")}
    if MARKS["csrf"] in page:  # only with CSRF on: the token (and its session cookie) as the form would make it
        values[MARKS["csrf"]] = generate_csrf()
    return _FILL.sub(lambda found: values[found.group(0)], page)
