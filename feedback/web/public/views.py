"""Public pages: start, accessibility statement, privacy notice, cookies, "You said, we did"."""

from flask import render_template
from sqlalchemy import select

from feedback.core.extensions import db
from feedback.models import Action, ActionStatus
from feedback.web.public import public_bp


@public_bp.get("/")
def start():
    return render_template("public/start.html")


@public_bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


@public_bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@public_bp.get("/cookies")
def cookies():
    return render_template("public/cookies.html")


@public_bp.get("/you-said-we-did")
def you_said_we_did():
    actions = db.session.scalars(
        select(Action).where(Action.status == ActionStatus.PUBLISHED).order_by(Action.published_at.desc())
    ).all()
    return render_template("public/you_said_we_did.html", actions=actions)
