"""Officer sign-in (password, then a code from an authenticator app or a recovery code), sign-out and
navigation. Two-factor set-up, sessions, user admin and the audit log are in web/officer/accounts/. Who may
open which page is decided by the access table in feedback/web/access.py."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from feedback.accounts import sessions, throttle, twofactor
from feedback.core.audit import record_audit
from feedback.core.clock import as_utc, now
from feedback.core.extensions import db, limiter
from feedback.models import User
from feedback.web.access import may_see
from feedback.web.officer import officer_bp

PENDING_SECONDS = 600  # between the right password and the second factor

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
    submit = SubmitField("Continue", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app, or a recovery code")],
        widget=GovTextInput(),
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/officer") and not target.startswith("//"):
        return target
    return url_for("officer.dashboard")


WRONG_PASSWORD = (
    "Enter a correct email address and password. After several wrong tries you must wait up to "
    "{seconds} seconds before the next one"
)


@officer_bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        check = throttle.check_password(form.email.data, form.password.data, request.remote_addr)
        if check.user is not None:
            # The password is right: a fresh session that only lets them give the second factor.
            session.clear()
            session["pending"] = {"user_id": check.user.id, "at": now().timestamp(), "next": request.args.get("next")}
            if twofactor.is_set_up(check.user):
                return redirect(url_for("officer.two_factor"))
            return redirect(url_for("officer.two_factor_setup"))
        seconds = current_app.config["SIGN_IN_MAX_DELAY_SECONDS"]
        form.password.errors.append(WRONG_PASSWORD.format(seconds=seconds))
    return render_template("officer/sign_in.html", form=form)


def pending_user() -> User | None:
    """The user who gave the right password in the last ten minutes and still owes the second factor."""
    pending = session.get("pending") or {}
    if not pending or now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.active else None


def complete_sign_in(user: User, *, recovery_code: bool = False) -> str:
    """Both factors given: a new server-side session (a new id, so one planted before sign-in is useless).
    Returns where to go next."""
    target = _safe_next((session.get("pending") or {}).get("next"))
    failures = throttle.record_success(user)
    if recovery_code:
        record_audit("recovery_code_used", "user", user.id, user_id=user.id)
    begin_session(user)
    if failures:
        flash(
            f"There {'was' if failures == 1 else 'were'} {failures:,} failed "
            f"{'attempt' if failures == 1 else 'attempts'} to sign in to your account since you last signed in. "
            "If that was not you, tell an admin.",
            "important",
        )
    if recovery_code:
        left = twofactor.recovery_codes_left(user)
        flash(
            f"You signed in with a recovery code. You have {left} left: ask an admin to reset two-factor sign-in "
            "if you have lost your phone.",
            "important",
        )
    return target


@officer_bp.route("/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def two_factor():
    user = pending_user()
    if user is None:
        return redirect(url_for("officer.sign_in"))
    if not twofactor.is_set_up(user):
        return redirect(url_for("officer.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data
        if user.locked_until is not None and as_utc(user.locked_until) > now():
            throttle.record_failure(user, "waiting (two-factor)", count_delay=False)
        elif twofactor.verify_code(user, code):
            return redirect(complete_sign_in(user))
        elif twofactor.use_recovery_code(user, code):
            return redirect(complete_sign_in(user, recovery_code=True))
        else:
            throttle.record_failure(user, "wrong two-factor code")
        db.session.commit()
        form.code.errors.append(
            "Enter a correct code. A code works once: if you have just used it, wait for the next one"
        )
    return render_template("officer/two_factor.html", form=form)


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
    sessions.revoke(session.get("sid"))  # a copy of the cookie is worthless from now on
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("officer.sign_in"))


def begin_session(user) -> None:
    """Signs `user` in on a new server-side session: a new id in a cleared cookie (so an id planted before
    sign-in is worthless), committed before the cookie names it."""
    token = sessions.start_session(user.id, request.remote_addr)
    db.session.commit()
    session.clear()
    session["sid"] = token
    session.permanent = True
    login_user(user)
