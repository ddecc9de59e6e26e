"""Setting up two-factor sign-in at first sign-in (or after an admin's reset): a QR code drawn here as SVG,
the key as text for people who cannot scan, a code to prove it works, then ten recovery codes shown once."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from markupsafe import Markup
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired

from feedback.accounts import twofactor
from feedback.core.audit import record_audit
from feedback.core.extensions import db, limiter
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import complete_sign_in, pending_user


class SetupForm(FlaskForm):
    code = StringField(
        "Enter the 6-digit code your app shows",
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app")],
        widget=GovTextInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


@officer_bp.route("/two-factor/set-up", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def two_factor_setup():
    user = pending_user()
    if user is None:
        return redirect(url_for("officer.sign_in"))
    if twofactor.is_set_up(user):
        return redirect(url_for("officer.two_factor"))
    if not user.mfa_secret:
        twofactor.new_secret(user)
        db.session.commit()
    form = SetupForm()
    if form.validate_on_submit():
        codes = twofactor.confirm(user, form.code.data)
        if codes is not None:
            record_audit("two_factor_set_up", "user", user.id, user_id=user.id)
            target = complete_sign_in(user)
            return render_template("officer/recovery_codes.html", codes=codes, target=target)
        form.code.errors.append("Enter the code your app shows now: it changes every 30 seconds")
    uri = twofactor.provisioning_uri(user)
    return render_template(
        "officer/two_factor_setup.html",
        form=form,
        qr=Markup(twofactor.qr_svg(uri)),  # noqa: S704 - drawn by segno from our own URI
        secret=twofactor.grouped(user.mfa_secret),
    )
