"""The rules for one survey event (a CSV row or an API item): plain-English reasons for every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from feedback.cohort import ethnicity
from feedback.cohort.csv_file import Problem
from feedback.core.phones import normalise_uk_mobile
from feedback.models import ContactRole

COLUMNS = (
    "child_ref",
    "event",
    "event_date",
    "ethnicity",
    "contact_role",
    "contact_name",
    "contact_email",
    "contact_mobile",
    "language",
    "date_of_birth",
    "primary_need",
    "school_phase",
    "locality",
    "child_first_name",
)
REQUIRED_COLUMNS = ("child_ref", "event", "event_date", "ethnicity", "contact_role", "contact_name")
MAX_LENGTH = {
    "child_ref": 64,
    "contact_name": 200,
    "contact_email": 320,
    "language": 35,
    "primary_need": 64,
    "school_phase": 64,
    "locality": 64,
    "child_first_name": 100,
}
EVENTS = ("new_plan", "annual_review")
ROLES = ("parent_carer", "young_person")
EHCP_START = date(2014, 9, 1)  # EHC plans began with the Children and Families Act 2014
CHILD_FIELDS = ("first_name", "ethnicity", "date_of_birth", "primary_need", "school_phase", "locality")
CONTACT_FIELDS = ("name", "email", "mobile", "language", "email_failed_at", "mobile_failed_at")

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}"
)
_SEPARATORS = re.compile(r"[\s\-/]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(slots=True)
class EventRow:
    """A valid survey event, normalised: codes in canonical form, the mobile as +447..., the email lower-cased."""

    row: int
    child_ref: str
    survey_key: str
    event_date: date
    role: ContactRole
    name: str
    name_key: str
    email: str | None
    mobile: str | None
    child: dict  # CHILD_FIELDS -> value or None (None leaves what is held)
    language: str | None

    @property
    def contact_key(self) -> tuple[str, str, str]:
        return (self.child_ref, self.role.value, self.name_key)

    @property
    def event_key(self) -> tuple:
        return (*self.contact_key, self.survey_key, self.event_date)


def validate_record(values: dict, row: int, today: date) -> tuple[EventRow | None, list[Problem]]:
    """One CSV row or API item -> an EventRow, or the problems with it (each in plain words)."""
    problems: list[Problem] = []

    def fail(column: str, reason: str) -> None:
        problems.append(Problem(row, column, reason))

    get = {c: " ".join((values.get(c) or "").split()) for c in COLUMNS}
    for column, limit in MAX_LENGTH.items():
        if len(get[column]) > limit:
            fail(column, f"Too long: at most {limit} characters")
    if not get["child_ref"]:
        fail("child_ref", "The child's reference from the case management system is missing")
    if not get["contact_name"]:
        fail("contact_name", "The name of the parent, carer or young person to contact is missing")
    survey_key, role = _check_event_and_role(get, fail)
    event_date = _check_date(get["event_date"], "event_date", today, fail, required=True)
    if event_date and event_date < EHCP_START:
        fail("event_date", f"{_shown(get['event_date'])} is before 1 September 2014, when EHC plans began")
    email, mobile = _check_contact(get, fail)
    child = {
        "first_name": get["child_first_name"] or None,
        "ethnicity": _check_ethnicity(get["ethnicity"], fail),
        "date_of_birth": _check_date(get["date_of_birth"], "date_of_birth", today, fail),
        "primary_need": get["primary_need"] or None,
        "school_phase": get["school_phase"] or None,
        "locality": get["locality"] or None,
    }
    if problems:
        return None, problems
    return EventRow(
        row=row,
        child_ref=get["child_ref"],
        survey_key=survey_key,
        event_date=event_date,
        role=role,
        name=get["contact_name"],
        name_key=get["contact_name"].lower(),
        email=email,
        mobile=mobile,
        child=child,
        language=get["language"] or None,
    ), problems


def _token(value: str) -> str:
    if value in EVENTS or value in ROLES:  # the usual case, without a regular expression
        return value
    return _SEPARATORS.sub("_", value.strip().lower())


def _check_event_and_role(get: dict, fail) -> tuple[str | None, ContactRole | None]:
    event, role = _token(get["event"]), _token(get["contact_role"])
    if event not in EVENTS:
        fail("event", f"{_shown(get['event'], 'The event')}: use new_plan or annual_review")
        event = None
    if role not in ROLES:
        fail("contact_role", f"{_shown(get['contact_role'], 'The contact role')}: use parent_carer or young_person")
        return None, None
    role = ContactRole(role)
    if role == ContactRole.YOUNG_PERSON and event == "new_plan":
        # The new plan survey asks about "my child": there is no young person's version to send.
        fail(
            "contact_role",
            "The new plan survey is written for parents and carers, so it cannot go to a young person:"
            " give the parent or carer as the contact for this event",
        )
    if event is None:
        return None, role
    return ("annual_review_young_person" if role == ContactRole.YOUNG_PERSON else event), role


def _shown(value: str, missing: str | None = None) -> str:
    """The value quoted for a message; with `missing`, a whole phrase: "'x' is not valid" or "The event is missing"."""
    quoted = repr(value if len(value) <= 40 else value[:37] + "...")
    if missing is None:
        return quoted
    return f"{missing} is missing" if not value else f"{quoted} is not valid"


def parse_date(value: str) -> date | None:
    """'2026-11-02' or '02/11/2026' (also '2/11/2026') -> date; None if not a real date in either form."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)  # the usual case, several times faster than the expressions
        except ValueError:
            pass
    match = _ISO_DATE.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK_DATE.fullmatch(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_date(value: str, column: str, today: date, fail, required: bool = False) -> date | None:
    if not value:
        if required:
            fail(column, "The date is missing: use YYYY-MM-DD or DD/MM/YYYY")
        return None
    parsed = parse_date(value)
    if parsed is None:
        if _ISO_DATE.fullmatch(value) or _UK_DATE.fullmatch(value):
            fail(column, f"{_shown(value)} is not a real date")
        else:
            fail(column, f"{_shown(value)} is not a date: use YYYY-MM-DD or DD/MM/YYYY, like 2026-11-02 or 02/11/2026")
    elif parsed > today:
        fail(column, f"{_shown(value)} is in the future")
        return None
    return parsed


def _check_ethnicity(value: str, fail) -> str | None:
    try:
        return ethnicity.main_code(value)
    except ValueError:
        fail(
            "ethnicity",
            f"{_shown(value)} is not a DfE school census ethnicity code: use a code such as WBRI, AIND or BAFR,"
            " or leave it blank if not known",
        )
        return None


def _check_contact(get: dict, fail) -> tuple[str | None, str | None]:
    email = get["contact_email"].lower() or None
    if email and (not _EMAIL.fullmatch(email) or ".." in email or len(email) > 320):
        fail("contact_email", f"{_shown(get['contact_email'])} is not a valid email address")
    mobile = normalise_uk_mobile(get["contact_mobile"]) if get["contact_mobile"] else None
    if get["contact_mobile"] and mobile is None:
        fail("contact_mobile", f"{_shown(get['contact_mobile'])} is not a UK mobile number, like 07700 900123")
    if not get["contact_email"] and not get["contact_mobile"]:
        fail("contact_email", "There is no email address or mobile number: give at least one of them")
    return email, mobile
