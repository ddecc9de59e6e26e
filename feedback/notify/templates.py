"""The canonical wording of our Notify templates, rendering it for the outbox, and the personalisation
every template receives (the README prints the same wording for pasting into Notify).

Six templates go to families (an invitation, a reminder and an update, each by email and text); three
go to council staff by email (a safeguarding alert, the weekly follow-up digest, an account invitation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from feedback.core.clock import long_date
from feedback.surveys.invitations import stop_link, survey_link

PURPOSES = ("invite", "reminder", "update")
CHANNELS = ("email", "sms")
TEMPLATE_KEYS = tuple(f"{purpose}_{channel}" for purpose in PURPOSES for channel in CHANNELS)
SMS_FRAGMENT = 160  # one text; longer ones cost a fragment more each (153 characters)
TOKEN_LENGTH = 43  # a survey token: 32 bytes, URL-safe base64 without padding


@dataclass(frozen=True)
class TemplateText:
    subject: str | None  # emails only
    body: str


# The canonical wording. ((placeholders)) are Notify's personalisation fields; {council} is the
# council's name (COUNCIL_NAME), typed into the template when it is pasted into Notify. Texts
# carry no names (they show on lock screens) and only the survey link, so that they fit one text.
_SIGN_OFF = "{council} SEND team"
_SMS_STOP = "Reply STOP to opt out"  # our /notify/inbound callback acts on it: Notify does not
_STOP = "If you do not want any more messages from us, use this link:\n((stop_link))"
TEMPLATES: dict[str, TemplateText] = {
    "invite_email": TemplateText(
        subject="((survey_name)): please tell us what you think",
        body=(
            "Dear ((name)),\n\n"
            "We would like to hear what you think about ((survey_name)).\n\n"
            "The survey takes about 2 minutes and you do not need an account. "
            "Please answer by ((closes_on)).\n\n"
            "Start the survey:\n((survey_link))\n\n"
            "Your answers help us improve support for children and young people with special "
            "educational needs and disabilities. At the end you can ask someone from the SEND team "
            "to contact you.\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "reminder_email": TemplateText(
        subject="Reminder: tell us what you think about ((survey_name))",
        body=(
            "Dear ((name)),\n\n"
            "We recently asked what you think about ((survey_name)). If you have not had time yet, "
            "the survey takes about 2 minutes:\n((survey_link))\n\n"
            "The survey closes on ((closes_on)).\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "update_email": TemplateText(
        subject="What we changed after families told us what they think",
        body=(
            "Dear ((name)),\n\n"
            "Thank you for telling us what you thought about ((survey_name)). You asked to hear "
            "what we do with families' feedback.\n\n"
            "Read what you said and what we did:\n((survey_link))\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "invite_sms": TemplateText(None, "{council}: 2-minute survey about your EHC plan ((survey_link)) " + _SMS_STOP),
    "reminder_sms": TemplateText(None, "{council} reminder: survey about your EHC plan ((survey_link)) " + _SMS_STOP),
    "update_sms": TemplateText(None, "{council}: what we changed after your feedback ((survey_link)) " + _SMS_STOP),
}
# Staff emails go to council addresses. A safeguarding alert carries no free text and no family's name:
# the officer reads the response signed in, where it is audited.
STAFF_TEMPLATES: dict[str, TemplateText] = {
    "safeguarding_alert_email": TemplateText(
        subject="Safeguarding: a family's feedback needs reading now",
        body=(
            "A family's answer to a survey about ((survey_name)) suggests that a child may be at risk of harm.\n\n"
            "Read the response now and record what you did:\n((response_link))\n\n"
            "This email does not include what they wrote. If a child is in immediate danger, call 999.\n\n"
            "{council} SEND family feedback"
        ),
    ),
    "digest_email": TemplateText(
        subject="Follow-ups for ((owner)): ((open_count)) open, ((overdue_count)) overdue",
        body=(
            "Dear ((name)),\n\n"
            "These follow-ups from families' feedback are waiting for ((owner)) (week of ((week))):\n\n"
            "((follow_ups))\n\n"
            "See them all and record what you have done:\n((follow_ups_link))\n\n"
            "{council} SEND family feedback"
        ),
    ),
    "account_invite_email": TemplateText(
        subject="Your account for ((service_name))",
        body=(
            "Dear ((name)),\n\n"
            "You have been given an account for ((service_name)). Choose your password and set up "
            "two-factor sign-in here:\n((invite_link))\n\n"
            "The link works once and expires at ((expires_at)). If you did not expect this email, "
            "you can ignore it.\n\n"
            "{council} SEND family feedback"
        ),
    ),
}
STAFF_TEMPLATE_KEYS = tuple(STAFF_TEMPLATES)
ALL_TEMPLATE_KEYS = TEMPLATE_KEYS + STAFF_TEMPLATE_KEYS
_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")
# Texts must stay in the GSM 7-bit basic set: one curly quote turns a 160-character text into three.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def template_text(key: str, council: str) -> TemplateText:
    """The wording of one template with the council's name filled in (placeholders left as they are)."""
    text = TEMPLATES.get(key) or STAFF_TEMPLATES[key]
    subject = text.subject.replace("{council}", council) if text.subject else None
    return TemplateText(subject, text.body.replace("{council}", council))


def render(key: str, personalisation: Mapping[str, str], council: str) -> TemplateText:
    """The text a family would receive: the template with every placeholder replaced."""
    text = template_text(key, council)

    def fill(source: str) -> str:
        return _PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), source)

    return TemplateText(fill(text.subject) if text.subject else None, fill(text.body))


def outbox_body(key: str, personalisation: Mapping[str, str], council: str) -> str:
    """What the outbox stores: for an email the subject line, a blank line and the body."""
    text = render(key, personalisation, council)
    return f"Subject: {text.subject}\n\n{text.body}" if text.subject else text.body


def longest_sms(council: str, public_base_url: str) -> int:
    """Length of the longest text message with a real-length survey link."""
    link = f"{public_base_url.rstrip('/')}/s/{'x' * TOKEN_LENGTH}"
    sample = dict.fromkeys(("name", "child_name", "survey_name", "stop_link", "closes_on"), "")
    sample["survey_link"] = link
    return max(len(render(f"{p}_sms", sample, council).body) for p in PURPOSES)


# ---------------------------------------------------------------- personalisation


def possessive(name: str) -> str:
    """'Sam' -> "Sam's", 'James' -> "James's" (GOV.UK style), 'your child' -> "your child's"."""
    return f"{name}'s"


def survey_name(survey_key: str, child_name: str) -> str:
    """How the messages name what the survey is about, e.g. "Sam's new EHC plan"."""
    if survey_key == "new_plan":
        return f"{possessive(child_name)} new EHC plan"
    if survey_key == "annual_review":
        return f"{possessive(child_name)} EHC plan annual review"
    if survey_key == "annual_review_young_person":
        return "your EHC plan review"
    return "our SEND services"


def personalisation_for(invitation, *, closes_at: datetime, link: str | None = None) -> dict[str, str]:
    """The six fields every template gets. `link` replaces the survey link (an update's page)."""
    first_name = (invitation.child.first_name or "").strip()
    child_name = first_name or "your child"
    return {
        "name": invitation.contact.name,
        "child_name": child_name,
        "survey_name": survey_name(invitation.survey_key, child_name),
        "survey_link": link or survey_link(invitation),
        "stop_link": stop_link(invitation),
        "closes_on": long_date(closes_at),
    }
