"""Who to survey: validating survey events (CSV rows or API items) and importing them all or nothing.

Rules the officer sees in the README: a blank optional cell never erases a value already held (case
system exports often have gaps); the newest row wins for a child's attributes and a contact's
details; a changed email or mobile clears that channel's failure mark; opted-out contacts stay
opted out (their new invitations are recorded as opted_out); events older than
CHASE_MAX_EVENT_AGE_DAYS are recorded as expired so that reports count them but nobody chases them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ARRAY, any_, bindparam, insert, literal, select, text, update
from sqlalchemy.exc import IntegrityError

from feedback.cohort.csv_file import Problem, header_key, read_csv
from feedback.cohort.rows import (  # noqa: F401 - COLUMNS and validate_record are part of this module's interface
    CHILD_FIELDS,
    COLUMNS,
    CONTACT_FIELDS,
    REQUIRED_COLUMNS,
    EventRow,
    validate_record,
)
from feedback.core import clock
from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.models import Child, Contact, ContactRole, Invitation, InvitationStatus
from feedback.surveys.invitations import link_identity

ANALYZE_AFTER = 1000  # rows inserted into one table
CHUNK = 2000  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits


class CohortError(Exception):
    """Nothing was imported; `problems` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class ImportConflict(CohortError):
    """A concurrent import created the same child, contact or invitation first; trying again will work."""


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
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "invitations"}

    def summary_lines(self, max_age_days: int) -> list[str]:
        """Plain-English summary for the CLI and the officer page."""
        repeated = f" ({plural(self.duplicates, 'repeated row')} counted once)" if self.duplicates else ""
        lines = [f"{plural(self.rows, 'row')} read{repeated}"]
        lines.append(f"Children: {self.children_created:,} new, {self.children_updated:,} updated")
        lines.append(f"Contacts: {self.contacts_created:,} new, {self.contacts_updated:,} updated")
        lines.append(f"Invitations: {self.invitations_created:,} new, {self.unchanged:,} already imported")
        if self.expired:
            lines.append(
                f"{plural(self.expired, 'event')} more than {max_age_days} days old: recorded for the figures as"
                " expired, and nobody will be contacted about them"
            )
        if self.opted_out:
            lines.append(
                f"{plural(self.opted_out, 'invitation')} for contacts who opted out: they will not be contacted"
            )
        return lines


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 row', '2 rows', '1,234 rows'."""
    return f"{n:,} {noun if n == 1 else (nouns or noun + 's')}"


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
            column = header_key(str(key))
            if isinstance(value, bool) or (value is not None and not isinstance(value, str | int)):
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
        reason = "Another import changed the same records at the same time: nothing was imported, try again"
        raise ImportConflict([Problem(0, "", reason)]) from None
    except Exception:
        db.session.rollback()
        raise
    return result


def _bulk_insert(model, rows: list[dict]) -> None:
    """One executemany INSERT; then, on PostgreSQL after many rows, ANALYZE. Until autovacuum gets round to it the
    planner believes a freshly filled table is tiny and scans it for each of our IN lists (1.4 s a query at 30,000
    rows, against 2 ms). ANALYZE in our transaction sees our own rows."""
    db.session.execute(insert(model.__table__), rows)
    if len(rows) >= ANALYZE_AFTER and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {model.__tablename__}"))


def _audit(source: str, result: ImportResult) -> str:
    counts = ", ".join(f"{k}={v}" for k, v in result.counts().items())
    return f"source={source}, {counts}"


def _update_by_id(model, changes: list[dict]) -> None:
    """One executemany UPDATE (Core, not the ORM's bulk update, which splits rows by which values are None)."""
    table = model.__table__
    columns = [key for key in changes[0] if key != "id"]
    statement = update(table).where(table.c.id == bindparam("_id")).values({c: bindparam(f"_v_{c}") for c in columns})
    db.session.execute(
        statement, [{"_id": change["id"], **{f"_v_{c}": change[c] for c in columns}} for change in changes]
    )


def _one_of(column, values: list):
    """column IN (values); on PostgreSQL = ANY(one array parameter), which it plans and parses faster than 2,000."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_children(refs: list[str]) -> dict[str, object]:
    held = {}
    columns = [getattr(Child, f) for f in CHILD_FIELDS]
    for chunk in _chunks(refs):
        for found in db.session.execute(select(Child.id, Child.ref, *columns).where(_one_of(Child.ref, chunk))):
            held[found.ref] = found
    return held


def _load_contacts(child_ids: set[int]) -> dict[tuple, object]:
    held = {}
    columns = [getattr(Contact, f) for f in CONTACT_FIELDS]
    query = select(Contact.id, Contact.child_id, Contact.role, Contact.name_key, Contact.opted_out_at, *columns)
    for chunk in _chunks(sorted(child_ids)):
        for found in db.session.execute(query.where(_one_of(Contact.child_id, chunk))):
            held[(found.child_id, found.role.value, found.name_key)] = found
    return held


def _upsert_children(rows: list[EventRow], result: ImportResult) -> dict[str, int]:
    wanted: dict[str, dict] = {}
    for r in rows:  # later rows win; a blank keeps the earlier value
        merged = wanted.setdefault(r.child_ref, dict.fromkeys(CHILD_FIELDS))
        merged.update({k: v for k, v in r.child.items() if v is not None})
    held = _load_children(list(wanted))
    ids = {ref: found.id for ref, found in held.items()}
    stamp = clock.now()
    changes = []
    for ref, found in held.items():
        new = {f: getattr(found, f) if wanted[ref][f] is None else wanted[ref][f] for f in CHILD_FIELDS}
        if any(new[f] != getattr(found, f) for f in CHILD_FIELDS):
            changes.append({"id": found.id, **new, "updated_at": stamp})
    if changes:
        _update_by_id(Child, changes)
    fresh = [{"ref": ref, **attrs} for ref, attrs in wanted.items() if ref not in held]
    if fresh:
        # Plain executemany, then one query for the ids: RETURNING over insertmanyvalues was 3x slower on
        # psycopg, which re-parses each 1,000-row statement's placeholders.
        _bulk_insert(Child, fresh)
        ids.update({ref: found.id for ref, found in _load_children([f["ref"] for f in fresh]).items()})
    result.children_created, result.children_updated = len(fresh), len(changes)
    return ids


def _upsert_contacts(rows: list[EventRow], child_ids: dict[str, int], result: ImportResult) -> dict[tuple, tuple]:
    """Returns (child_id, role, name_key) -> (contact id, opted out?, held before?)."""
    wanted: dict[tuple, dict] = {}
    for r in rows:
        merged = wanted.setdefault((child_ids[r.child_ref], r.role.value, r.name_key), {})
        merged["name"] = r.name
        merged.update({k: v for k, v in (("email", r.email), ("mobile", r.mobile), ("language", r.language)) if v})
    held = _load_contacts({key[0] for key in wanted})
    out = {key: (found.id, found.opted_out_at is not None, True) for key, found in held.items()}
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
        _update_by_id(Contact, changes)
    fresh = [
        {"child_id": key[0], "role": ContactRole(key[1]), "name_key": key[2], "email": None, "mobile": None}
        | {"language": None}
        | attrs
        for key, attrs in wanted.items()
        if key not in held
    ]
    if fresh:
        _bulk_insert(Contact, fresh)
        made = _load_contacts({f["child_id"] for f in fresh})
        out.update({key: (made[key].id, False, False) for key in wanted if key not in held})
    result.contacts_created, result.contacts_updated = len(fresh), len(changes)
    return out


def _insert_invitations(rows: list[EventRow], child_ids: dict, contacts: dict, result: ImportResult) -> None:
    oldest = clock.today_london() - timedelta(days=current_app.config["CHASE_MAX_EVENT_AGE_DAYS"])
    secret = current_app.config["SECRET_KEY"]
    held = {}
    contact_ids = sorted(cid for cid, _, existed in contacts.values() if existed)  # new ones have none yet
    for chunk in _chunks(contact_ids):
        query = select(Invitation.contact_id, Invitation.survey_key, Invitation.event_date, Invitation.status)
        for found in db.session.execute(query.where(_one_of(Invitation.contact_id, chunk))):
            held[(found.contact_id, found.survey_key, found.event_date)] = found.status
    fresh = []
    for r in rows:
        child_id = child_ids[r.child_ref]
        contact_id, opted_out, _ = contacts[(child_id, r.role.value, r.name_key)]
        status = held.get((contact_id, r.survey_key, r.event_date))
        created = status is None
        if created:
            status = _initial_status(r.event_date, oldest, opted_out, result)
            fresh.append(
                {
                    "child_id": child_id,
                    "contact_id": contact_id,
                    "survey_key": r.survey_key,
                    "event_date": r.event_date,
                    **link_identity(secret),
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
        _bulk_insert(Invitation, fresh)
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
