"""Safeguarding alerts: the list (open ones first) and a page per alert to read the response and record
what was done; the red banner's data for every officer page (`safeguarding_banner()`), and the parts a
response page shows (`safeguarding_alert_for`, `follow_up_for`). Staff only, except the banner, which tells a
viewer only that alerts are open."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from feedback.core.audit import record_audit
from feedback.core.clock import today_london
from feedback.core.extensions import db
from feedback.core.phones import display_mobile
from feedback.insight.casework.safeguarding import ACTION_MAX, KIND_LABELS, alerts_query, open_alerts, record_action
from feedback.models import Invitation, Response, SafeguardingAlert
from feedback.web.access import may_see
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item
from feedback.web.officer.casework.response_parts import (
    alert_for,
    endpoint_url,
    follow_up_for,
    response_context,
    survey_label,
)

PAGE_SIZE = 50
add_nav_item("officer.safeguarding_alerts", "Safeguarding")


@officer_bp.app_context_processor
def safeguarding_globals():
    def safeguarding_banner() -> dict | None:
        """Open alerts for the banner: None when there are none or nobody is signed in."""
        if not current_user.is_authenticated:
            return None
        found = open_alerts()
        if not found.count:
            return None
        role = current_user.role.value
        return {
            "count": found.count,
            "oldest": found.oldest_raised_at,
            "link": url_for("officer.safeguarding_alerts") if may_see("officer.safeguarding_alerts", role) else None,
        }

    return {
        "safeguarding_banner": safeguarding_banner,
        "safeguarding_alert_for": alert_for,
        "follow_up_for": follow_up_for,
        "endpoint_url": endpoint_url,
        "display_mobile": display_mobile,
        "survey_label": survey_label,
        "today_london": today_london,
    }


@officer_bp.get("/safeguarding-alerts")
def safeguarding_alerts():
    handled_page = max(request.args.get("page", 1, type=int) or 1, 1)
    details = (
        joinedload(SafeguardingAlert.response).joinedload(Response.invitation).joinedload(Invitation.child),
        joinedload(SafeguardingAlert.handled_by),
    )
    waiting = db.session.scalars(alerts_query(handled=False).options(*details)).all()
    handled_total = db.session.scalar(
        select(func.count(SafeguardingAlert.id)).where(SafeguardingAlert.handled_at.is_not(None))
    )
    handled = db.session.scalars(
        alerts_query(handled=True).options(*details).limit(PAGE_SIZE).offset((handled_page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "officer/safeguarding_alerts.html",
        waiting=waiting,
        handled=handled,
        handled_total=handled_total,
        page=handled_page,
        page_size=PAGE_SIZE,
        kind_labels=KIND_LABELS,
    )


class ActionForm(FlaskForm):
    action = TextAreaField(
        "What was done",
        description="For example: referred to the children's services front door at 10:15, reference number, "
        "and who you spoke to. Recording it takes the alert off the banner.",
        validators=[
            InputRequired(message="Enter what was done"),
            Length(max=ACTION_MAX, message=f"What was done must be {ACTION_MAX:,} characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField("Record what was done", widget=GovSubmitInput())


@officer_bp.route("/safeguarding-alerts/<int:alert_id>", methods=["GET", "POST"])
def safeguarding_alert(alert_id: int):
    alert = db.session.scalar(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert_id)
        .options(
            joinedload(SafeguardingAlert.response).selectinload(Response.answers),
            joinedload(SafeguardingAlert.response).joinedload(Response.invitation).joinedload(Invitation.contact),
        )
    )
    if alert is None:
        abort(404)
    form = ActionForm(formdata=None, action=alert.action_taken) if request.method == "GET" else ActionForm()
    if request.method == "POST" and form.validate_on_submit() and form.action.data.strip():
        record_action(alert, form.action.data, current_user)
        db.session.commit()
        flash("What was done is recorded; the alert is closed")
        return redirect(url_for("officer.safeguarding_alert", alert_id=alert.id))
    if request.method == "POST" and not form.errors:
        form.action.errors = ["Enter what was done"]
    if request.method == "GET":
        record_audit("safeguarding_alert_viewed", "safeguarding_alert", alert.id)
        db.session.commit()
    return render_template(
        "officer/safeguarding_alert.html",
        alert=alert,
        form=form,
        follow_up=follow_up_for(alert.response),
        **response_context(alert.response),
    )
