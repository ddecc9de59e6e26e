"""User admin (admins only): invite, change role, deactivate or reactivate, reset two-factor sign-in, sign
out everywhere. The rules (and the last active admin) are in feedback/accounts/users.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from feedback.accounts import users as accounts
from feedback.accounts.invitations import InvitationError, invite
from feedback.accounts.twofactor import is_set_up
from feedback.core.extensions import db
from feedback.models import Role, User
from feedback.notify.staff import send_account_invitation
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item

add_nav_item("officer.users", "Users")

ROLE_CHOICES = [
    SelectChoice("admin", "Admin: manages users and reads the audit log, as well as everything an officer does"),
    SelectChoice("officer", "Officer: works with families' responses, follow-ups and the call list"),
    SelectChoice("viewer", "Viewer: sees figures only, never a name or what a family wrote"),
]
ACTIONS = {
    "deactivate": (accounts.deactivate, "{name} is deactivated and signed out everywhere"),
    "reactivate": (accounts.reactivate, "{name} can sign in again"),
    "reset-two-factor": (
        accounts.reset_two_factor,
        "{name} will set up two-factor sign-in again at their next sign-in",
    ),
    "sign-out-everywhere": (accounts.sign_out_everywhere, "{name} is signed out everywhere"),
}


class InviteForm(FlaskForm):
    name = StringField(
        "Full name", validators=[InputRequired(message="Enter their full name"), Length(max=200)], widget=GovTextInput()
    )
    email = EmailField(
        "Work email address",
        validators=[
            InputRequired(message="Enter their work email address"),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.org"),
            Length(max=320),
        ],
        widget=GovTextInput(),
    )
    role = RadioField(
        "Role", choices=ROLE_CHOICES, default="officer", validators=[InputRequired()], widget=GovRadioInput()
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = RadioField("Role", choices=ROLE_CHOICES, validators=[InputRequired()], widget=GovRadioInput())
    submit = SubmitField("Change role", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


@officer_bp.route("/users")
def users():
    return render_template("officer/users.html", users=accounts.all_users(), is_set_up=is_set_up)


@officer_bp.route("/users/invite", methods=["GET", "POST"])
def invite_user():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = invite(form.email.data, form.name.data, Role(form.role.data), current_user)
        except InvitationError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            link = url_for("officer.accept_invitation", token=token)
            send_account_invitation(invitation, f"{current_app.config['PUBLIC_BASE_URL']}{link}")
            hours = current_app.config["ACCOUNT_INVITATION_HOURS"]
            flash(f"Invitation sent to {invitation.email}. The link works once, for {hours} hours")
            return redirect(url_for("officer.users"))
    return render_template("officer/invite_user.html", form=form)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@officer_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = _user(user_id)
    form = RoleForm(role=person.role.value)
    if form.validate_on_submit():
        try:
            accounts.change_role(person, Role(form.role.data))
        except accounts.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{person.name} is now {person.role.value}")
            return redirect(url_for("officer.user", user_id=person.id))
    return render_template(
        "officer/user.html", person=person, form=form, action_form=ActionForm(), two_factor=is_set_up(person)
    )


@officer_bp.post("/users/<int:user_id>/<action>")
def user_action(user_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    person = _user(user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    change, message = ACTIONS[action]
    try:
        change(person)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("officer.user", user_id=person.id))
    db.session.commit()
    flash(message.format(name=person.name))
    return redirect(url_for("officer.user", user_id=person.id))
