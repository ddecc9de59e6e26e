"""The check on every request: the cookie's session id must name a live server-side session of the user
(feedback/accounts/sessions.py), and the warning page shown before the idle limit ends it."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from feedback.accounts import sessions, twofactor
from feedback.core.clock import as_utc, now
from feedback.core.extensions import db
from feedback.models import User
from feedback.web.officer import officer_bp

WARNING_ENDPOINT = "officer.session_ending"


def load_signed_in_user(user_id: str) -> User | None:
    """Flask-Login's user loader: None (signed out) unless the session still stands."""
    # Opening the warning page must not count as activity, or it would keep the session alive by itself.
    touch = not (request.endpoint == WARNING_ENDPOINT and request.method == "GET")
    live = sessions.live_session(session.get("sid"), touch=touch)
    if live is None or str(live.user_id) != str(user_id):
        return None
    user = db.session.get(User, live.user_id)
    if user is None or not user.active or not twofactor.is_set_up(user):
        return None
    g.user_session = live
    return user


@officer_bp.app_context_processor
def session_timing():
    """For the layout: when the session ends, and a banner in its last half hour of the 8-hour limit."""

    def session_notice() -> dict | None:
        live = getattr(g, "user_session", None)
        if live is None or not current_user.is_authenticated:
            return None
        limits = sessions.Limits.from_config()
        ends = sessions.ends_at(live, limits)
        absolute_end = as_utc(live.created_at) + limits.absolute
        return {
            # Browsers run a longer setTimeout at once: at most 24 days (2^31 - 1 ms).
            "warn_after_ms": min(int(max(0, (limits.idle - limits.warning).total_seconds()) * 1000), 2**31 - 1),
            "warning_url": url_for(WARNING_ENDPOINT, next=request.full_path.rstrip("?")),
            "absolute_end": absolute_end if absolute_end - now() <= timedelta(minutes=30) else None,
            "ends_at": ends,
        }

    return {"session_notice": session_notice}


class StayForm(FlaskForm):
    submit = SubmitField("Stay signed in", widget=GovSubmitInput())


@officer_bp.route("/session-ending", methods=["GET", "POST"])
def session_ending():
    form = StayForm()
    live = getattr(g, "user_session", None)
    target = request.args.get("next") or ""
    if not target.startswith("/officer") or target.startswith("//"):
        target = url_for("officer.dashboard")
    if form.validate_on_submit() and live is not None:
        sessions.keep_alive(live)
        db.session.commit()
        return redirect(target)
    limits = sessions.Limits.from_config()
    return render_template(
        "officer/session_ending.html",
        form=form,
        ends_at=sessions.ends_at(live, limits),
        idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
        target=target,
    )
