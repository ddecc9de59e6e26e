"""An officer's own account: changing their password (which ends every other session), and accepting an
invitation to choose a first password."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired

from feedback.accounts import sessions
from feedback.accounts.invitations import InvitationError, accept, open_invitation
from feedback.accounts.users import AccountError, change_password
from feedback.core.extensions import db
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item, begin_session

add_nav_item("officer.change_own_password", "Your password")

PASSWORD_HINT = "At least 12 characters, not your name or email. Three or four random words work well"


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[InputRequired(message="Enter a new password")], widget=GovPasswordInput()
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[InputRequired(message="Type the new password again"), EqualTo("password", "The passwords differ")],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password", validators=[InputRequired(message="Enter your current password")], widget=GovPasswordInput()
    )


@officer_bp.route("/account/password", methods=["GET", "POST"])
def change_own_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current.data, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            # Every session ended, this one too: this browser carries on with a new one.
            begin_session(user)
            flash("Your password is changed. You are signed out everywhere else")
            return redirect(url_for("officer.dashboard"))
    return render_template("officer/change_password.html", form=form, hint=PASSWORD_HINT)


@officer_bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = open_invitation(token)
    if invitation is None:
        return render_template("officer/invitation_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accept(invitation, form.password.data)
        except InvitationError as error:
            form.password.errors.append(str(error))
        else:
            sessions.revoke(session.get("sid"))  # whoever was signed in on this browser is not any more
            db.session.commit()
            session.clear()
            flash("Your password is saved. Sign in to set up two-factor sign-in")
            return redirect(url_for("officer.sign_in"))
    response = render_template("officer/accept_invitation.html", form=form, invitation=invitation, hint=PASSWORD_HINT)
    return response, 200, {"Referrer-Policy": "no-referrer"}
