"""Officer sign-in, sign-out and navigation. (A later issue adds MFA.) Who may open which page is decided
by the access table in feedback/web/access.py."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired

from feedback.core.audit import record_audit
from feedback.core.clock import as_utc, now
from feedback.core.extensions import db, limiter
from feedback.core.passwords import verify_password
from feedback.models import User
from feedback.web.access import may_see
from feedback.web.officer import officer_bp

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)

# (endpoint, label) in menu order; who sees each comes from the access table (feedback/web/access.py).
NAV_ITEMS: list[tuple[str, str]] = [("officer.dashboard", "Dashboard")]


def add_nav_item(endpoint: str, label: str) -> None:
    if endpoint not in {e for e, _ in NAV_ITEMS}:
        NAV_ITEMS.append((endpoint, label))


@officer_bp.app_context_processor
def navigation():
    def officer_navigation() -> list[dict]:
        items = []
        if current_user.is_authenticated:
            for endpoint, label in NAV_ITEMS:
                if may_see(endpoint, current_user.role.value):
                    items.append({"href": url_for(endpoint), "text": label, "active": request.endpoint == endpoint})
            items.append({"href": url_for("officer.sign_out"), "text": "Sign out"})
        return items

    return {"officer_navigation": officer_navigation}


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[InputRequired(message="Enter your email address")], widget=GovTextInput()
    )
    password = PasswordField(
        "Password", validators=[InputRequired(message="Enter your password")], widget=GovPasswordInput()
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/officer") and not target.startswith("//"):
        return target
    return url_for("officer.dashboard")


@officer_bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        locked = user is not None and user.locked_until is not None and as_utc(user.locked_until) > now()
        if verify_password(user.password_hash if user else None, form.password.data) and user.active and not locked:
            user.failed_sign_ins = 0
            user.last_sign_in_at = now()
            record_audit("sign_in", "user", user.id, user_id=user.id)
            db.session.commit()
            session.clear()  # a fresh session at sign-in
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        if user is not None:
            user.failed_sign_ins += 1
            if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
                user.locked_until = now() + LOCKOUT
        record_audit("sign_in_failed", "user", user.id if user else None, user_id=None)
        db.session.commit()
        form.password.errors.append("Enter a correct email address and password")
    return render_template("officer/sign_in.html", form=form)


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out", widget=GovSubmitInput())


@officer_bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = SignOutForm()
    if not form.validate_on_submit():  # no state change on GET: ask to confirm
        if not current_user.is_authenticated:
            return redirect(url_for("officer.sign_in"))
        return render_template("officer/sign_out.html", form=form)
    if current_user.is_authenticated:
        record_audit("sign_out", "user", current_user.id)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("officer.sign_in"))
