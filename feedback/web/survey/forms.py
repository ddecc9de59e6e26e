"""WTForms built from a survey definition."""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from feedback.surveys.definitions import Survey

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _statement_error(survey: Survey, text: str) -> str:
    if survey.easy_read:
        return f"Choose an answer for ‘{text}’"
    return f"Select how much you agree that {text[0].lower()}{text[1:]}"


@cache
def survey_form_class(survey: Survey, max_text: int) -> type[FlaskForm]:
    """One form class per survey version, with a field per question key."""
    fields: dict[str, object] = {}
    for statement in survey.statements:
        fields[statement.key] = RadioField(
            statement.text,
            choices=[SelectChoice(c.value, c.label) for c in survey.scale],
            validators=[InputRequired(message=_statement_error(survey, statement.text))],
            widget=GovRadioInput(),
        )
    for question in survey.text_questions:
        fields[question.key] = TextAreaField(
            question.label,
            description=question.hint or "",
            validators=[
                Optional(),
                Length(max=max_text, message=f"Your answer must be {max_text:,} characters or fewer"),
            ],
            widget=GovCharacterCount(),
        )
    contact_error = (
        "Choose yes if you want someone to talk to you"
        if survey.easy_read
        else "Select yes if you would like someone from the SEND team to contact you"
    )
    quote_error = (
        "Choose yes if we can share your words" if survey.easy_read else "Select yes if we can quote what you wrote"
    )
    fields["consent_contact"] = RadioField(
        survey.consent_contact_label,
        choices=YES_NO,
        validators=[InputRequired(message=contact_error)],
        widget=GovRadioInput(),
    )
    fields["consent_quote"] = RadioField(
        survey.consent_quote_label,
        choices=YES_NO,
        validators=[InputRequired(message=quote_error)],
        widget=GovRadioInput(),
    )
    fields["submit"] = SubmitField("Send my answers", widget=GovSubmitInput())
    return type(f"{survey.key.title().replace('_', '')}V{survey.version}Form", (FlaskForm,), fields)


class StopForm(FlaskForm):
    submit = SubmitField("Stop messages", widget=GovSubmitInput())
