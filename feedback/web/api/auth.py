"""Bearer API tokens for the events API: made by `flask create-api-token`, stored as SHA-256 hashes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import g, request
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.tokens import hash_token
from feedback.models import ApiToken

log = logging.getLogger(__name__)
LAST_USED_RESOLUTION = timedelta(minutes=1)  # one write a minute per token is enough to show it is in use


def _refuse(reason: str, error: str = "invalid_token"):
    challenge = 'Bearer realm="api"' if error == "missing" else f'Bearer realm="api", error="{error}"'
    return {"status": 401, "error": reason}, 401, {"WWW-Authenticate": challenge}


def bearer_token_required(view: Callable) -> Callable:
    """Let the request through only with `Authorization: Bearer <token>` for a token that is not revoked."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        given = given.strip()
        if scheme.lower() != "bearer" or not given:
            return _refuse("Send an API token as 'Authorization: Bearer <token>'", "missing")
        if len(given) > 200:
            return _refuse("The API token is not valid")
        api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(given)))
        if api_token is None or api_token.revoked_at is not None:
            log.warning("API request refused: %s token", "revoked" if api_token else "unknown")
            return _refuse("The API token is not valid or has been revoked")
        moment = clock.now()
        if api_token.last_used_at is None or moment - api_token.last_used_at >= LAST_USED_RESOLUTION:
            api_token.last_used_at = moment
            db.session.commit()
        g.api_token_id = api_token.id
        return view(*args, **kwargs)

    return wrapped
