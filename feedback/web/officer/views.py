"""Officer pages. Each feature lives in its own module, imported at the bottom."""

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from feedback.core.extensions import db
from feedback.models import Invitation, Response
from feedback.surveys.definitions import SURVEYS
from feedback.web.officer import auth, officer_bp

PAGE_SIZE = 50


@officer_bp.get("/")
def dashboard():
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count(Response.id)))
    responses = (
        db.session.scalars(
            select(Response)
            .options(joinedload(Response.invitation).joinedload(Invitation.child), joinedload(Response.answers))
            .order_by(Response.submitted_at.desc(), Response.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
        .unique()
        .all()
    )
    return render_template(
        "officer/dashboard.html", responses=responses, total=total, page=page, page_size=PAGE_SIZE, surveys=SURVEYS
    )


__all__ = ["auth"]
from feedback.web.officer import outbox  # noqa
from feedback.web.officer import imports  # noqa
from feedback.web.officer import calls  # noqa: E402,F401
from feedback.web.officer.casework import follow_ups  # noqa: E402,F401
from feedback.web.officer.casework import safeguarding  # noqa: E402,F401
from feedback.web.officer import entries  # noqa: E402,F401
