"""The forms of the "You said, we did" editor (feedback/web/officer/entries.py)."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from feedback.core.clock import today_london
from feedback.models import ActionProgress
from feedback.publishing.entries import PROGRESS_LABELS, QUOTE_MAX, TEXT_MAX, THEMES

MARKDOWN_HINT = (
    "You can use Markdown: a blank line between paragraphs, **bold**, a list with a dash at the start of each "
    "line, a link as [words](https://…). Do not include names or anything that could identify a family."
)


class GovDateField(DateField):
    """Day, month and year in three boxes, with GOV.UK's error messages."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        parts = [(v or "").strip() for v in valuelist or []]
        # The widget redraws day, month and year from raw_data: always three, or none when nothing was sent.
        self.raw_data = (parts + ["", "", ""])[:3] if parts else None
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        if not all(p.isdigit() for p in parts):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, in numbers")
        if len(parts[2]) != 4:
            self.data = None
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


def _required_date(message: str):
    def check(form, field):
        if field.data is None and not field.errors:
            raise ValidationError(message)

    return check


class EntryForm(FlaskForm):
    title = StringField(
        "Title",
        description="What changed, in a few plain words. It is the heading of the public page and, once "
        "published, its address.",
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    theme = SelectField(
        "Theme",
        choices=[SelectChoice("", "Choose a theme")] + [SelectChoice(k, v) for k, v in THEMES.items()],
        validators=[InputRequired(message="Select a theme")],
        widget=GovSelect(),
    )
    you_said = TextAreaField(
        "You said",
        description="What families told us, in a few sentences. " + MARKDOWN_HINT,
        validators=[
            InputRequired(message="Enter what families told us"),
            Length(max=TEXT_MAX, message=f"You said must be {TEXT_MAX:,} characters or fewer"),
        ],
        widget=GovCharacterCount(),
    )
    we_did = TextAreaField(
        "We did",
        description="What we changed, or are changing, because of it. " + MARKDOWN_HINT,
        validators=[
            InputRequired(message="Enter what we did"),
            Length(max=TEXT_MAX, message=f"We did must be {TEXT_MAX:,} characters or fewer"),
        ],
        widget=GovCharacterCount(),
    )
    progress = RadioField(
        "Where the change stands",
        choices=[SelectChoice(p.value, PROGRESS_LABELS[p]) for p in ActionProgress],
        validators=[InputRequired(message="Select where the change stands")],
        widget=GovRadioInput(),
    )
    progress_on = GovDateField(
        "Date",
        description="Planned: when it will happen. In progress: when it started. Done: when it was done. "
        "For example, 27 3 2027.",
        validators=[_required_date("Enter the date")],
    )
    not_names = SelectMultipleField(
        "Words flagged as names that are not names",
        description="Tick a word only if, here, it is not anybody's name.",
        choices=[],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_progress_on(self, field):
        if field.data is None or not self.progress.data:
            return
        today = today_london()
        if self.progress.data == ActionProgress.DONE.value and field.data > today:
            raise ValidationError("A change that is done must have a date today or in the past")
        if self.progress.data == ActionProgress.IN_PROGRESS.value and field.data > today:
            raise ValidationError("A change in progress must have started today or in the past")


class PublishForm(FlaskForm):
    when = RadioField(
        "When should it be published?",
        choices=[SelectChoice("now", "Now"), SelectChoice("date", "On a date")],
        validators=[InputRequired(message="Select when to publish it")],
        widget=GovRadioInput(),
    )
    publish_on = GovDateField(
        "Publication date",
        description="Only if you chose a date. It is published at the start of that day, and families who asked to "
        "hear back are sent the update from 9am. For example, 27 3 2027.",
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())

    def validate_publish_on(self, field):
        if self.when.data != "date" or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter the publication date")
        if field.data <= today_london():
            raise ValidationError("Publication date must be in the future. To publish today, choose Now")


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why are you withdrawing it?",
        description="For the record: this is not shown to the public.",
        validators=[
            InputRequired(message="Enter why you are withdrawing it"),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField("Withdraw it", widget=GovSubmitInput())


class QuoteForm(FlaskForm):
    text = TextAreaField(
        "The words to quote",
        description="Shorten it with … where you leave words out, and put [words in square brackets] in place of a "
        "name. Do not change what they wrote.",
        validators=[
            InputRequired(message="Enter the words to quote"),
            Length(max=QUOTE_MAX, message=f"A quote must be {QUOTE_MAX:,} characters or fewer"),
        ],
        widget=GovCharacterCount(),
    )
    not_names = SelectMultipleField(
        "Words flagged as names that are not names",
        description="Tick a word only if, here, it is not anybody's name.",
        choices=[],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Add the quote", widget=GovSubmitInput())


class LinkResponseForm(FlaskForm):
    response_id = StringField(
        "Response number",
        description="The number of a response that supports this entry (it is on the response's page).",
        validators=[
            InputRequired(message="Enter a response number"),
            Regexp(r"^\s*\d{1,9}\s*$", message="Enter a response number, like 1234"),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Link the response", widget=GovSubmitInput())


class ConfirmWordsForm(FlaskForm):
    words = SelectMultipleField(
        "Words flagged as names that are not names",
        description="Tick a word only if, here, it is not anybody's name.",
        choices=[],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def validate_words(self, field):
        if not field.data:
            raise ValidationError("Select the words that are not names")
