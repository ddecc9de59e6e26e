"""Survey definitions as data (DESIGN section 5) and the % agree score.

A wording change bumps the survey's version; answers are keyed by question key, so figures stay
comparable across versions that keep a key's meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from feedback.core.clock import long_date


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    agrees: bool = False  # counts towards % agree
    counted: bool = True  # False for "Does not apply": left out of N
    symbol: str | None = None  # easy read: name of the inline SVG symbol


AGREE_SCALE = (
    Choice("strongly_agree", "Strongly agree", agrees=True),
    Choice("agree", "Agree", agrees=True),
    Choice("neither", "Neither agree nor disagree"),
    Choice("disagree", "Disagree"),
    Choice("strongly_disagree", "Strongly disagree"),
    Choice("not_applicable", "Does not apply", counted=False),
)

EASY_READ_SCALE = (
    Choice("yes", "Yes", agrees=True, symbol="yes"),
    Choice("not_sure", "Not sure", symbol="not_sure"),
    Choice("no", "No", symbol="no"),
)


@dataclass(frozen=True)
class Statement:
    key: str
    text: str


@dataclass(frozen=True)
class TextQuestion:
    key: str
    label: str
    hint: str | None = None


@dataclass(frozen=True)
class Survey:
    key: str
    version: int
    title: str
    respondent: str  # parent_carer | young_person | professional | family
    intro: str
    event_heading: str  # formatted with {date}
    statement_prompt: str  # legend prefix for screen readers and the error message
    statements: tuple[Statement, ...]
    scale: tuple[Choice, ...]
    text_questions: tuple[TextQuestion, ...]
    consent_contact_label: str
    consent_quote_label: str
    easy_read: bool = False
    open: bool = False  # True: anyone may answer, no invitation

    def heading_for(self, event_date: date) -> str:
        return self.event_heading.format(date=long_date(event_date))

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.scale if c.value == value), None)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.scale)

    @property
    def agree_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.scale if c.agrees)

    @property
    def counted_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.scale if c.counted)


PARENT_TEXT_QUESTIONS = (
    TextQuestion("went_well", "What went well? (optional)"),
    TextQuestion(
        "do_better",
        "What could we have done better? (optional)",
        hint="Please do not include names or details that could identify your child.",
    ),
)
PARENT_CONSENT_CONTACT = "Would you like someone from the SEND team to contact you about your answers?"
PARENT_CONSENT_QUOTE = "Can we quote what you wrote, without your name, when we publish what we have changed?"

SURVEYS: dict[str, Survey] = {
    s.key: s
    for s in (
        Survey(
            key="new_plan",
            version=1,
            title="Your new EHC plan: tell us how it went",
            respondent="parent_carer",
            intro="Tell us about the assessment and the plan. It takes about 2 minutes.",
            event_heading="Your child's new EHC plan, issued on {date}",
            statement_prompt="Select how much you agree that",
            statements=(
                Statement("assessment_positive", "Overall, the EHC needs assessment was a positive experience"),
                Statement("plan_quality", "I am confident in the quality of the final EHC plan"),
                Statement("involved", "I was involved and able to give my views throughout the assessment"),
                Statement("plan_progress", "The plan will help my child make progress towards their outcomes"),
            ),
            scale=AGREE_SCALE,
            text_questions=PARENT_TEXT_QUESTIONS,
            consent_contact_label=PARENT_CONSENT_CONTACT,
            consent_quote_label=PARENT_CONSENT_QUOTE,
        ),
        Survey(
            key="annual_review",
            version=1,
            title="Your child's annual review: tell us how it went",
            respondent="parent_carer",
            intro="Tell us about the annual review of your child's EHC plan. It takes about 2 minutes.",
            event_heading="Your child's EHC plan annual review, held on {date}",
            statement_prompt="Select how much you agree that",
            statements=(
                Statement(
                    "engaged", "I felt fully involved and my views were listened to at the annual review meeting"
                ),
                Statement(
                    "child_views", "My child's views were listened to and considered at the annual review meeting"
                ),
                Statement(
                    "plan_reflects_needs",
                    "The plan reflects my child's needs, outcomes and the support needed to achieve them",
                ),
                Statement("overall_positive", "Overall, my experience of the annual review was positive"),
            ),
            scale=AGREE_SCALE,
            text_questions=PARENT_TEXT_QUESTIONS,
            consent_contact_label=PARENT_CONSENT_CONTACT,
            consent_quote_label=PARENT_CONSENT_QUOTE,
        ),
        Survey(
            key="annual_review_young_person",
            version=1,
            title="Your review: tell us what you think",
            respondent="young_person",
            intro="We want to know what you think about your review. There are 4 short questions.",
            event_heading="Your review on {date}",
            statement_prompt="Choose one answer:",
            statements=(
                Statement("listened", "People listened to me at my review"),
                Statement("about_me", "My plan is about me"),
                Statement("future", "My review helped me think about my future"),
                Statement("good", "My review was good"),
            ),
            scale=EASY_READ_SCALE,
            text_questions=(
                TextQuestion("went_well", "What was good? (you do not have to answer)"),
                TextQuestion("do_better", "What could be better? (you do not have to answer)"),
            ),
            consent_contact_label="Do you want someone to talk to you about your answers?",
            consent_quote_label="Can we share your words? We will not say your name.",
            easy_read=True,
        ),
    )
}


def get_survey(key: str) -> Survey:
    return SURVEYS[key]


@dataclass(frozen=True)
class Score:
    agree: int  # n: strongly agree + agree
    answered: int  # N: every answer except "Does not apply"

    @property
    def percent(self) -> float | None:
        return None if self.answered == 0 else 100.0 * self.agree / self.answered

    @property
    def whole_percent(self) -> int | None:
        """% agree to the nearest whole number, halves rounded up as reports do (5/8 is 63%, not 62%)."""
        return None if self.answered == 0 else (200 * self.agree + self.answered) // (2 * self.answered)

    def __str__(self) -> str:
        if self.answered == 0:
            return "no answers (0/0)"
        return f"{self.whole_percent}% ({self.agree}/{self.answered})"


def score(counts: Mapping[str, int], survey: Survey | None = None) -> Score:
    """% agree = (strongly agree + agree) / answers other than "Does not apply", with n and N.

    `counts` maps a choice value to how many chose it (as a GROUP BY returns them).
    """
    scale = survey.scale if survey else AGREE_SCALE + EASY_READ_SCALE
    agrees = {c.value for c in scale if c.agrees}
    counted = {c.value for c in scale if c.counted}
    unknown = set(counts) - {c.value for c in scale}
    if unknown:
        raise ValueError(f"unknown choices: {sorted(unknown)}")
    n = sum(v for k, v in counts.items() if k in agrees)
    big_n = sum(v for k, v in counts.items() if k in counted)
    return Score(agree=n, answered=big_n)
