"""Who to survey: validating survey events (CSV rows or API items) and importing them all or nothing.

Rules the officer sees in the README: a blank optional cell never erases a value already held (case
system exports often have gaps); the newest row wins for a child's attributes and a contact's
details; a changed email or mobile clears that channel's failure mark; opted-out contacts stay
opted out (their new invitations are recorded as opted_out); events older than
CHASE_MAX_EVENT_AGE_DAYS are recorded as expired so that reports count them but nobody chases them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from feedback import clock, ethnicity
from feedback.audit import record_audit
from feedback.cohort_csv import Problem, read_csv
from feedback.extensions import db
from feedback.models import Child, Contact, ContactRole, Invitation, InvitationStatus
from feedback.phones import normalise_uk_mobile
from feedback.tokens import hash_token, survey_token

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
CHUNK = 2000  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class CohortError(Exception):
    """Nothing was imported; `problems` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(slots=True)
class EventRow:
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


@dataclass
class ImportResult:
    rows: int = 0
    duplicates: int = 0
    children_created: int = 0
    children_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    invitations_created: int = 0
    unchanged: int = 0  # events already imported before
    expired: int = 0  # created as expired: too old to survey
    opted_out: int = 0  # created for a contact who has opted out
    invitations: list[dict] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, int]:
        """Every count, without the per-event list."""
        return {k: v for k, v in asdict(self).items() if k != "invitations"}

    def summary_lines(self, max_age_days: int) -> list[str]:
        """Plain-English summary for the CLI and the officer page."""
        lines = [
            f"{self.rows:,} rows read"
            + (f" ({self.duplicates:,} repeated rows counted once)" if self.duplicates else "")
        ]
        lines.append(f"Children: {self.children_created:,} new, {self.children_updated:,} updated")
        lines.append(f"Contacts: {self.contacts_created:,} new, {self.contacts_updated:,} updated")
        lines.append(f"Invitations: {self.invitations_created:,} new, {self.unchanged:,} already imported")
        if self.expired:
            lines.append(
                f"{self.expired:,} events are older than {max_age_days} days: recorded for the figures as expired,"
                " and nobody will be contacted about them"
            )
        if self.opted_out:
            lines.append(f"{self.opted_out:,} invitations are for contacts who opted out: they will not be contacted")
        return lines


def import_csv(data: bytes, *, source: str = "csv") -> ImportResult:
    """Validate a CSV file and import it in one transaction; on any bad row raise CohortError, importing nothing."""
    records, problems = read_csv(data, COLUMNS, REQUIRED_COLUMNS)
    rows = _validate_all(records, problems)
    return import_rows(rows, source=source)


def import_records(items: list[dict], *, source: str = "api") -> ImportResult:
    """Validate API items (0-based index in Problem.row) and import them in one transaction, all or nothing."""
    problems: list[Problem] = []
    records = []
    for index, item in enumerate(items):
        values = {}
        for key, value in item.items():
            column = re.sub(r"[\s\-]+", "_", str(key).strip().lower())
            if value is not None and not isinstance(value, str | int) or isinstance(value, bool):
                problems.append(Problem(index, column, "Must be text"))
                continue
            values[column] = "" if value is None else str(value)
        records.append((index, values))
    rows = _validate_all(records, problems)
    return import_rows(rows, source=source)


def _validate_all(records: list[tuple[int, dict]], problems: list[Problem]) -> list[EventRow]:
    today = clock.today_london()
    rows = []
    for number, values in records:
        row, row_problems = validate_record(values, number, today)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise CohortError(sorted(problems, key=lambda p: p.row))
    return rows


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
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


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


# ----------------------------------------------------------------------------------------------
# Import: set-wise, a few queries per 2,000 rows, one transaction.


def import_rows(rows: list[EventRow], *, source: str) -> ImportResult:
    """Import validated rows in one transaction and commit; see the module docstring for the rules."""
    result = ImportResult(rows=len(rows))
    unique = list({r.event_key: r for r in rows}.values())
    result.duplicates = len(rows) - len(unique)
    try:
        child_ids = _upsert_children(rows, result)
        contacts = _upsert_contacts(rows, child_ids, result)
        _insert_invitations(unique, child_ids, contacts, result)
        record_audit("cohort.import", "cohort", detail=_audit(source, result))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CohortError(
            [
                Problem(
                    0, "", "Another import changed the same records at the same time: nothing was imported, try again"
                )
            ]
        ) from None
    except Exception:
        db.session.rollback()
        raise
    return result


def _audit(source: str, result: ImportResult) -> str:
    counts = ", ".join(f"{k}={v}" for k, v in result.counts().items())
    return f"source={source}, {counts}"


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_children(rows: list[EventRow], result: ImportResult) -> dict[str, int]:
    wanted: dict[str, dict] = {}
    for r in rows:  # later rows win; a blank keeps the earlier value
        merged = wanted.setdefault(r.child_ref, dict.fromkeys(CHILD_FIELDS))
        merged.update({k: v for k, v in r.child.items() if v is not None})
    held = {}
    columns = [getattr(Child, f) for f in CHILD_FIELDS]
    for chunk in _chunks(list(wanted)):
        for found in db.session.execute(select(Child.id, Child.ref, *columns).where(Child.ref.in_(chunk))):
            held[found.ref] = found
    ids = {ref: found.id for ref, found in held.items()}
    stamp = clock.now()
    changes = []
    for ref, found in held.items():
        new = {f: getattr(found, f) if wanted[ref][f] is None else wanted[ref][f] for f in CHILD_FIELDS}
        if any(new[f] != getattr(found, f) for f in CHILD_FIELDS):
            changes.append({"id": found.id, **new, "updated_at": stamp})
    if changes:
        db.session.execute(update(Child), changes)
    fresh = [{"ref": ref, **attrs} for ref, attrs in wanted.items() if ref not in held]
    if fresh:
        for made in db.session.execute(insert(Child).returning(Child.id, Child.ref), fresh):
            ids[made.ref] = made.id
    result.children_created, result.children_updated = len(fresh), len(changes)
    return ids


CONTACT_FIELDS = ("name", "email", "mobile", "language", "email_failed_at", "mobile_failed_at")


def _upsert_contacts(rows: list[EventRow], child_ids: dict[str, int], result: ImportResult) -> dict[tuple, tuple]:
    """Returns (child_id, role, name_key) -> (contact id, opted out?)."""
    wanted: dict[tuple, dict] = {}
    for r in rows:
        merged = wanted.setdefault((child_ids[r.child_ref], r.role.value, r.name_key), {})
        merged["name"] = r.name
        merged.update({k: v for k, v in (("email", r.email), ("mobile", r.mobile), ("language", r.language)) if v})
    held = {}
    columns = [getattr(Contact, f) for f in CONTACT_FIELDS]
    for chunk in _chunks(sorted({key[0] for key in wanted})):
        query = select(Contact.id, Contact.child_id, Contact.role, Contact.name_key, Contact.opted_out_at, *columns)
        for found in db.session.execute(query.where(Contact.child_id.in_(chunk))):
            held[(found.child_id, found.role.value, found.name_key)] = found
    out = {key: (found.id, found.opted_out_at is not None) for key, found in held.items()}
    stamp = clock.now()
    changes = []
    for key, found in held.items():
        if key not in wanted:
            continue
        new = {f: getattr(found, f) for f in CONTACT_FIELDS} | wanted[key]
        for channel in ("email", "mobile"):
            if new[channel] != getattr(found, channel):
                new[f"{channel}_failed_at"] = None  # a new address or number deserves a fresh try
        if new != {f: getattr(found, f) for f in CONTACT_FIELDS}:
            changes.append({"id": found.id, **new, "updated_at": stamp})
    if changes:
        db.session.execute(update(Contact), changes)
    fresh = [
        {"child_id": key[0], "role": ContactRole(key[1]), "name_key": key[2], "email": None, "mobile": None}
        | {"language": None}
        | attrs
        for key, attrs in wanted.items()
        if key not in held
    ]
    if fresh:
        made_rows = db.session.execute(
            insert(Contact).returning(Contact.id, Contact.child_id, Contact.role, Contact.name_key), fresh
        )
        for made in made_rows:
            out[(made.child_id, made.role.value, made.name_key)] = (made.id, False)
    result.contacts_created, result.contacts_updated = len(fresh), len(changes)
    return out


def _insert_invitations(rows: list[EventRow], child_ids: dict, contacts: dict, result: ImportResult) -> None:
    oldest = clock.today_london() - timedelta(days=current_app.config["CHASE_MAX_EVENT_AGE_DAYS"])
    secret = current_app.config["SECRET_KEY"]
    held = {}
    contact_ids = sorted({cid for cid, _ in contacts.values()})
    for chunk in _chunks(contact_ids):
        query = select(Invitation.contact_id, Invitation.survey_key, Invitation.event_date, Invitation.status)
        for found in db.session.execute(query.where(Invitation.contact_id.in_(chunk))):
            held[(found.contact_id, found.survey_key, found.event_date)] = found.status
    fresh = []
    for r in rows:
        child_id = child_ids[r.child_ref]
        contact_id, opted_out = contacts[(child_id, r.role.value, r.name_key)]
        status = held.get((contact_id, r.survey_key, r.event_date))
        created = status is None
        if created:
            status = _initial_status(r.event_date, oldest, opted_out, result)
            # Same token scheme as invitations.new_invitation, built as plain values for a bulk insert.
            public_id = str(uuid.uuid4())
            fresh.append(
                {
                    "child_id": child_id,
                    "contact_id": contact_id,
                    "survey_key": r.survey_key,
                    "event_date": r.event_date,
                    "public_id": public_id,
                    "token_hash": hash_token(survey_token(secret, public_id)),
                    "status": status,
                }
            )
        result.invitations.append(
            {
                "child_ref": r.child_ref,
                "survey": r.survey_key,
                "event_date": r.event_date.isoformat(),
                "status": InvitationStatus(status).value,
                "created": created,
            }
        )
    if fresh:
        db.session.execute(insert(Invitation), fresh)
    result.invitations_created = len(fresh)
    result.unchanged = len(rows) - len(fresh)


def _initial_status(event_date: date, oldest: date, opted_out: bool, result: ImportResult) -> InvitationStatus:
    if opted_out:
        result.opted_out += 1
        return InvitationStatus.OPTED_OUT
    if event_date < oldest:
        result.expired += 1
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING
