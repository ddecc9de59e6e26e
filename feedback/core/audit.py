"""The append-only audit log: who did what to which record, when, from where."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from feedback.core.extensions import db
from feedback.models import AuditEvent


def record_audit(
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    *,
    detail: str | None = None,
    user_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller's commit keeps it with the change it describes)."""
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if user_id is None and current_user and current_user.is_authenticated:
            user_id = current_user.id
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        user_id=user_id,
        ip=ip,
        detail=detail,
    )
    db.session.add(event)
    return event
