"""The family's journey: /s/<token>, its thank-you page and the stop page."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, redirect, render_template, request, url_for

from feedback.chasing.optout import opt_out_contacts
from feedback.core.audit import record_audit
from feedback.core.extensions import db, limiter
from feedback.insight.intake import save_response
from feedback.models import Invitation
from feedback.surveys.definitions import get_survey
from feedback.surveys.invitations import SurveyLink, find_by_token, find_link
from feedback.surveys.responses import AlreadyAnswered, has_response, is_closed
from feedback.web.survey import survey_bp
from feedback.web.survey.blocks import empty_form_page
from feedback.web.survey.forms import StopForm, survey_form_class

# A token in the address bar must not leak to other sites, nor sit in a shared cache.
TOKEN_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}

limiter.limit("120 per minute")(survey_bp)


@survey_bp.after_request
def token_headers(response):
    response.headers.update(TOKEN_PAGE_HEADERS)
    return response


def _invitation_or_404(token: str) -> Invitation:
    invitation = find_by_token(token)
    if invitation is None:
        abort(404)
    return invitation


def _form_for(survey):
    return survey_form_class(survey, current_app.config["FREE_TEXT_MAX"])()


def _page(survey, form, heading: str, token: str) -> str:
    return render_template(
        "survey/easy_read.html" if survey.easy_read else "survey/survey.html",
        form=form,
        survey=survey,
        heading=heading,
        max_text=current_app.config["FREE_TEXT_MAX"],
        token=token,
    )


def _empty_page(survey, heading: str, token: str, csrf: str) -> str:
    form = _form_for(survey)
    if getattr(form, "csrf_token", None) is not None:
        form.csrf_token.current_token = csrf
    return _page(survey, form, heading, token)


def _already_answered():
    return render_template("survey/already_answered.html")


def _closed(invitation: Invitation | SurveyLink):
    return render_template("survey/closed.html", survey=get_survey(invitation.survey_key)), 410


@survey_bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    link = find_link(token)
    if link is None:
        abort(404)
    if link.answered:
        return _already_answered()
    if is_closed(link):
        return _closed(link)
    survey = get_survey(link.survey_key)
    heading = survey.heading_for(link.event_date)
    if request.method == "GET":
        render = partial(_empty_page, survey)
        return empty_form_page(survey, heading=heading, token=token, render=render)
    form = _form_for(survey)
    if form.validate_on_submit():
        try:
            save_response(db.session.get(Invitation, link.id), survey, form.data)
        except AlreadyAnswered:
            return _already_answered()
        return redirect(url_for("survey.done", token=token))
    return _page(survey, form, heading, token)


@survey_bp.get("/<token>/done")
def done(token: str):
    invitation = _invitation_or_404(token)
    if not has_response(invitation):
        return redirect(url_for("survey.answer", token=token))
    return render_template("survey/done.html", survey=get_survey(invitation.survey_key), response=invitation.response)


@survey_bp.route("/<token>/stop", methods=["GET", "POST"])
def stop(token: str):
    invitation = _invitation_or_404(token)
    form = StopForm()
    if request.method == "POST" and form.validate_on_submit():
        if opt_out_contacts([invitation.contact_id], reason="stop link"):
            record_audit("opt_out", "contact", invitation.contact_id, detail="used the stop link")
        db.session.commit()
        return redirect(url_for("survey.stop", token=token))
    return render_template(
        "survey/stop.html",
        form=form,
        opted_out=invitation.contact.opted_out_at is not None,
        token=token,
        survey=get_survey(invitation.survey_key),
    )
