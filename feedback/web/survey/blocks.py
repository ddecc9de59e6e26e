"""The survey page in one pass: each question's rendered block is kept per survey version and state.

A govuk-frontend-wtf widget renders its own template through Flask's render_template, context processors and
all: about eight nested renders a page, most of a survey request's time (issue 11). A block's markup depends
only on the survey version, the call's parameters and the field's state (the chosen value and the error
shown), so it is rendered once per state and then reused: a family's GET, and most POSTs with an error,
render no widget at all. What changes per request (the CSRF token, the nonce, the link) is outside the blocks.

A free-text answer is arbitrary: a block holding typed text is rendered every time, never kept.
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

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
