"""HTTP caching for public pages: a short public max-age, a weak ETag and Last-Modified, and 304 Not Modified
for a conditional request whose copy is still current.

The validators are made from what the page shows (the data's version), never from the rendered body, which
carries a fresh CSP nonce on every render; so a 304 is answered without rendering at all. The ETag is weak: two
renders of the same version differ in that nonce, not in meaning. A deploy changes the templates' release stamp,
and with it every ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

from flask import Response, current_app, make_response, request
from werkzeug.http import is_resource_modified

from config import BASE_DIR


@cache
def _release() -> str:
    """A stamp of this deploy's templates and assets: their newest modification time."""
    paths = [*sorted((BASE_DIR / "templates").rglob("*.html")), BASE_DIR / "feedback" / "static" / "manifest.json"]
    return str(max((p.stat().st_mtime_ns for p in paths if p.exists()), default=0))


def _validators(response: Response, etag: str, last_modified: datetime | None) -> Response:
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config.get("PUBLIC_CACHE_SECONDS", 300))
    return response


def cached(version: object, last_modified: datetime | None, render: Callable[[], str], mimetype: str | None = None):
    """Answer 304 when the visitor's copy of this version is current, else render and send with validators.
    `last_modified` is when the data last changed (None: never); the deploy's own time counts too."""
    last_modified = max(filter(None, [last_modified, release_time()]))  # nothing changed since the deploy
    config = current_app.config
    shown_everywhere = [config.get(k) for k in ("COUNCIL_NAME", "SERVICE_NAME", "SEND_TEAM_EMAIL", "SEND_TEAM_PHONE")]
    seed = f"{_release()}|{shown_everywhere}|{config.get('PUBLIC_BASE_URL')}|{request.full_path}|{version}"
    etag = hashlib.sha256(seed.encode()).hexdigest()[:32]
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        return _validators(current_app.response_class(status=304), etag, last_modified)
    response = make_response(render())
    if mimetype:
        response.mimetype = mimetype
    return _validators(response, etag, last_modified)


def release_time() -> datetime:
    """When this deploy's templates last changed (the Last-Modified of pages that show nothing else)."""
    return datetime.fromtimestamp(int(_release()) / 1e9, UTC)
