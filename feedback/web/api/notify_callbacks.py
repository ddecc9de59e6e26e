"""GOV.UK Notify callbacks: delivery receipts (/notify/callback) and received texts (/notify/inbound).

Notify signs each call with `Authorization: Bearer <token>`, the token we gave it when setting up
the callback; both callbacks use NOTIFY_CALLBACK_TOKEN. Notify retries only after a connection
error, a 5xx or a 429, so a body we cannot use gets a 400 (no retry) and an id we do not know a 200.
"""

from __future__ import annotations

import logging

from flask import current_app, request

from feedback.chasing.receipts import BadCallback, record_inbound, record_receipt
from feedback.core.extensions import db
from feedback.core.tokens import tokens_equal
from feedback.web.api import notify_bp

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024  # a receipt is a few hundred bytes


def _authorised() -> bool:
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not given.strip():
        return False
    return tokens_equal(given.strip(), expected)


def _json_body() -> object:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadCallback("the body is too large")
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise BadCallback("the body is not JSON")
    return body


def _handle(domain_function, kind: str):
    if not _authorised():
        log.warning("%s callback refused: missing or wrong bearer token", kind)
        return {"status": 401, "error": "Missing or wrong bearer token"}, 401, {"WWW-Authenticate": "Bearer"}
    try:
        result = domain_function(_json_body())
    except BadCallback as error:
        db.session.rollback()
        log.warning("%s callback refused: %s", kind, error)
        return {"status": 400, "error": str(error)}, 400
    return {"status": 200, "result": result.outcome}, 200


@notify_bp.post("/callback")
def delivery_receipt():
    """A delivery receipt for an email or text we sent."""
    return _handle(record_receipt, "delivery receipt")


@notify_bp.post("/inbound")
def inbound_text():
    """A text message a family sent to our Notify number."""
    return _handle(record_inbound, "received text")
