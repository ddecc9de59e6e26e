"""POST /api/v1/events: the case system reports survey events (same fields and rules as the CSV import)."""

from __future__ import annotations

import logging

from flask import g, request
from werkzeug.exceptions import RequestEntityTooLarge

from feedback.cohort.importer import CohortError, ImportConflict, import_records
from feedback.core.extensions import limiter
from feedback.web.api import api_bp
from feedback.web.api.auth import bearer_token_required

log = logging.getLogger(__name__)
MAX_ITEMS = 1000
MAX_BODY = 2 * 1024 * 1024  # 1,000 events are about 300 KB


def _error(status: int, reason: str):
    return {"status": status, "error": reason}, status


def _read_items():
    """The request body as a list of objects, or an error response."""
    request.max_content_length = MAX_BODY
    try:
        body = request.get_json(force=True, silent=True)
    except RequestEntityTooLarge:
        return None, _error(413, f"The body is larger than {MAX_BODY // 1024 // 1024} MB")
    if body is None:
        return None, _error(400, "The body must be JSON: an event object or a list of event objects")
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        return None, _error(400, "The body must be an event object or a non-empty list of event objects")
    if len(items) > MAX_ITEMS:
        return None, _error(413, f"Send at most {MAX_ITEMS:,} events per request, not {len(items):,}")
    not_objects = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    if not_objects:
        errors = [{"item": i, "field": None, "reason": "Must be a JSON object"} for i in not_objects]
        return None, ({"status": 422, "error": "Some events are not objects", "errors": errors}, 422)
    return items, None


@api_bp.post("/events")
@limiter.limit("120 per minute")
@bearer_token_required
def post_events():
    """Import events, all or nothing: 201 if anything new, 200 if all were known, 422 with per-item reasons."""
    items, error = _read_items()
    if error:
        return error
    try:
        result = import_records(items, source=f"api token {g.api_token_id}")
    except ImportConflict as conflict:
        return _error(409, conflict.problems[0].reason)
    except CohortError as problems:
        errors = [{"item": p.row, "field": p.column or None, "reason": p.reason} for p in problems.problems]
        return {"status": 422, "error": "Nothing was imported: some events are not valid", "errors": errors}, 422
    log.info("events API: token %s imported %s events, %s new", g.api_token_id, len(items), result.invitations_created)
    body = {
        "created": {
            "children": result.children_created,
            "contacts": result.contacts_created,
            "invitations": result.invitations_created,
        },
        "updated": {"children": result.children_updated, "contacts": result.contacts_updated},
        "unchanged": result.unchanged,
        "expired": result.expired,
        "opted_out": result.opted_out,
        "invitations": result.invitations,
    }
    return body, 201 if result.invitations_created else 200
