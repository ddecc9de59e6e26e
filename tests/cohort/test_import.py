"""Cohort import (feedback/cohort.py): validation, all-or-nothing, idempotence, updates, the CLI."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.cohort import ethnicity
from feedback.cohort.importer import COLUMNS, CohortError, import_csv
from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.tokens import hash_token
from feedback.models import ApiToken, AuditEvent, Child, Contact, Invitation, InvitationStatus
from feedback.surveys.invitations import find_by_token, token_for
from tests.factories import create_child, create_contact

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen_clock(app):
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def event(n: int = 1, **fields) -> dict:
    """A valid row (synthetic data only)."""
    row = {
        "child_ref": f"C{n:06d}",
        "event": "new_plan",
        "event_date": "2026-11-02",
        "ethnicity": "WBRI",
        "contact_role": "parent_carer",
        "contact_name": f"Alex Example {n}",
        "contact_email": f"parent{n}@example.org",
        "contact_mobile": f"07700 900{n % 1000:03d}",
        "language": "English",
        "date_of_birth": "12/03/2015",
        "primary_need": "ASD",
        "school_phase": "Primary",
        "locality": "North",
        "child_first_name": "Sam",
    }
    row.update(fields)
    return row


def make_csv(rows: list[dict], columns=COLUMNS, newline: str = "\r\n") -> bytes:
    """CSV text as Excel writes it (CRLF); quote cells with commas."""

    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or '"' in value) else value

    lines = [",".join(columns)] + [",".join(cell(row.get(c, "")) for c in columns) for row in rows]
    return (newline.join(lines) + newline).encode("utf-8")


def problems_of(data: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(CohortError) as caught:
        import_csv(data)
    return [(p.row, p.column, p.reason) for p in caught.value.problems]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the must-show sequence -------------------------------------------------------------------


def test_one_bad_row_imports_nothing_then_the_corrected_file_imports_every_row_once(app):
    rows = [event(n) for n in range(1, 11)]
    rows[6]["contact_email"] = "parent7@example"  # spreadsheet row 8 (header is row 1)
    found = problems_of(make_csv(rows))
    assert found == [(8, "contact_email", "'parent7@example' is not a valid email address")]
    assert (count(Child), count(Contact), count(Invitation)) == (0, 0, 0)

    rows[6]["contact_email"] = "parent7@example.org"
    result = import_csv(make_csv(rows))
    assert (result.children_created, result.contacts_created, result.invitations_created) == (10, 10, 10)
    assert (count(Child), count(Contact), count(Invitation)) == (10, 10, 10)
    statuses = db.session.scalars(select(Invitation.status).distinct()).all()
    assert statuses == [InvitationStatus.PENDING]

    again = import_csv(make_csv(rows))
    assert again.invitations_created == 0 and again.unchanged == 10
    assert (again.children_created, again.children_updated, again.contacts_created, again.contacts_updated) == (
        0,
        0,
        0,
        0,
    )
    assert (count(Child), count(Contact), count(Invitation)) == (10, 10, 10)


def test_every_bad_row_is_reported_in_row_order(app):
    rows = [event(n) for n in range(1, 6)]
    rows[0]["event"] = "review"
    rows[3]["contact_mobile"] = "01632 960000"
    rows[3]["contact_email"] = ""
    found = problems_of(make_csv(rows))
    assert [(r, c) for r, c, _ in found] == [(2, "event"), (5, "contact_mobile")]


def test_imported_invitation_opens_with_its_link_token(app):
    import_csv(make_csv([event(1)]))
    invitation = db.session.scalar(select(Invitation))
    assert find_by_token(token_for(invitation)).id == invitation.id
    assert invitation.token_hash == hash_token(token_for(invitation))


def test_audit_event_records_the_import_without_personal_data(app):
    import_csv(make_csv([event(1)]), source="cli")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.import"))
    assert "source=cli" in audit.detail and "invitations_created=1" in audit.detail
    assert "example.org" not in audit.detail and "Alex" not in audit.detail


# --- validation reasons -----------------------------------------------------------------------

REASONS = [
    ("child_ref", "", "child_ref", "The child's reference from the case management system is missing"),
    ("child_ref", "C" * 65, "child_ref", "Too long: at most 64 characters"),
    ("event", "", "event", "The event is missing: use new_plan or annual_review"),
    ("event", "review", "event", "'review' is not valid: use new_plan or annual_review"),
    ("event_date", "", "event_date", "The date is missing: use YYYY-MM-DD or DD/MM/YYYY"),
    ("event_date", "2 Nov 2026", "event_date", "'2 Nov 2026' is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
    ("event_date", "31/02/2026", "event_date", "'31/02/2026' is not a real date"),
    ("event_date", "2026-13-01", "event_date", "'2026-13-01' is not a real date"),
    ("event_date", "2026-11-21", "event_date", "'2026-11-21' is in the future"),
    ("event_date", "01/08/2014", "event_date", "'01/08/2014' is before 1 September 2014, when EHC plans began"),
    ("ethnicity", "XYZ", "ethnicity", "'XYZ' is not a DfE school census ethnicity code"),
    ("contact_role", "", "contact_role", "The contact role is missing: use parent_carer or young_person"),
    ("contact_role", "mother", "contact_role", "'mother' is not valid: use parent_carer or young_person"),
    ("contact_name", "", "contact_name", "The name of the parent, carer or young person to contact is missing"),
    ("contact_name", "A" * 201, "contact_name", "Too long: at most 200 characters"),
    ("contact_email", "not-an-email", "contact_email", "'not-an-email' is not a valid email address"),
    ("contact_email", "a..b@example.org", "contact_email", "'a..b@example.org' is not a valid email address"),
    ("contact_mobile", "01632 960000", "contact_mobile", "'01632 960000' is not a UK mobile number"),
    ("contact_mobile", "077009", "contact_mobile", "'077009' is not a UK mobile number"),
    ("date_of_birth", "2027-01-01", "date_of_birth", "'2027-01-01' is in the future"),
    ("date_of_birth", "yesterday", "date_of_birth", "'yesterday' is not a date"),
    ("language", "x" * 36, "language", "Too long: at most 35 characters"),
    ("primary_need", "x" * 65, "primary_need", "Too long: at most 64 characters"),
    ("school_phase", "x" * 65, "school_phase", "Too long: at most 64 characters"),
    ("locality", "x" * 65, "locality", "Too long: at most 64 characters"),
    ("child_first_name", "x" * 101, "child_first_name", "Too long: at most 100 characters"),
]


@pytest.mark.parametrize(
    ("field", "value", "column", "reason"), REASONS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REASONS)]
)
def test_each_validation_reason(app, field, value, column, reason):
    found = problems_of(make_csv([event(1), event(2, **{field: value})]))
    assert len(found) == 1, found
    assert found[0][0] == 3 and found[0][1] == column
    assert found[0][2].startswith(reason), found[0][2]
    assert count(Invitation) == 0


def test_neither_email_nor_mobile_is_refused(app):
    found = problems_of(make_csv([event(1, contact_email="", contact_mobile="")]))
    assert found == [(2, "contact_email", "There is no email address or mobile number: give at least one of them")]


def test_email_alone_or_mobile_alone_is_enough(app):
    result = import_csv(make_csv([event(1, contact_mobile=""), event(2, contact_email="")]))
    assert result.contacts_created == 2
    emails = dict(db.session.execute(select(Contact.name, Contact.email)).all())
    mobiles = dict(db.session.execute(select(Contact.name, Contact.mobile)).all())
    assert emails == {"Alex Example 1": "parent1@example.org", "Alex Example 2": None}
    assert mobiles == {"Alex Example 1": None, "Alex Example 2": "+447700900002"}


def test_young_person_new_plan_is_refused_with_a_reason(app):
    found = problems_of(make_csv([event(1, contact_role="young_person")]))
    assert found[0][:2] == (2, "contact_role")
    assert "written for parents and carers" in found[0][2]


def test_young_persons_annual_review_gets_the_easy_read_survey(app):
    rows = [
        event(1, event="annual_review", contact_role="young_person"),
        event(2, event="Annual Review", contact_role="Parent Carer"),
    ]
    import_csv(make_csv(rows))
    surveys = sorted(db.session.scalars(select(Invitation.survey_key)).all())
    assert surveys == ["annual_review", "annual_review_young_person"]


def test_both_date_formats_and_unpadded_uk_dates(app):
    import_csv(
        make_csv([event(1, event_date="2026-11-02"), event(2, event_date="3/11/2026", date_of_birth="2015-03-12")])
    )
    assert sorted(db.session.scalars(select(Invitation.event_date)).all()) == [date(2026, 11, 2), date(2026, 11, 3)]
    assert set(db.session.scalars(select(Child.date_of_birth)).all()) == {date(2015, 3, 12)}


def test_event_today_is_accepted_in_london_time(app):
    # 23:30 UTC on 31 May is 00:30 on 1 June in London: 1 June is today, not the future.
    clock.set_now(datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    import_csv(make_csv([event(1, event_date="2026-06-01")]))
    assert count(Invitation) == 1


# --- ethnicity --------------------------------------------------------------------------------


def test_extended_ethnicity_code_is_stored_as_its_main_code(app):
    rows = [
        event(1, ethnicity="wsco"),
        event(2, ethnicity="OARA"),
        event(3, ethnicity=" aind "),
        event(4, ethnicity=""),
    ]
    import_csv(make_csv(rows))
    stored = dict(db.session.execute(select(Child.ref, Child.ethnicity)).all())
    assert stored == {"C000001": "WBRI", "C000002": "OOTH", "C000003": "AIND", "C000004": None}


def test_ethnicity_tables():
    assert len(ethnicity.MAIN_CODES) == 20
    assert all(main in ethnicity.MAIN_CODES for _, main in ethnicity.EXTENDED_CODES.values())
    assert not set(ethnicity.EXTENDED_CODES) & set(ethnicity.MAIN_CODES)
    assert set(ethnicity.MAJOR_GROUP) == set(ethnicity.MAIN_CODES)
    assert ethnicity.main_code("WENG") == "WBRI" and ethnicity.main_code("okrd") == "OOTH"
    assert ethnicity.main_code("") is None
    with pytest.raises(ValueError):
        ethnicity.main_code("BAME")
    assert ethnicity.major_group("CHNE") == "asian"  # DfE's grouping: Asian - Chinese
    assert ethnicity.major_group("CTWN") == "asian"
    assert ethnicity.major_group("REFU") == ethnicity.major_group(None) == "unknown"
    assert ethnicity.is_minority("WBRI") is False and ethnicity.is_minority("WSCO") is False
    assert ethnicity.is_minority("WIRI") is True  # White minorities are ethnic minorities
    assert ethnicity.is_minority("NOBT") is None and ethnicity.is_minority(None) is None
    assert ethnicity.label("AIND") == "Indian" and ethnicity.label(None) == "Not known"


def test_major_group_case_groups_in_the_database(app):
    for code in ("WBRI", "WIRI", "AIND", "CHNE", "BAFR", "REFU", None):
        create_child(ethnicity=code)
    db.session.commit()
    group = ethnicity.major_group_case(Child.ethnicity)
    counts = dict(db.session.execute(select(group, func.count()).group_by(group)).all())
    assert counts == {"white": 2, "asian": 2, "black": 1, "unknown": 2}


# --- updates ------------------------------------------------------------------------------------


def test_changed_email_updates_the_contact_and_clears_its_failure(app):
    import_csv(make_csv([event(1)]))
    contact = db.session.scalar(select(Contact))
    contact.email_failed_at = contact.mobile_failed_at = NOW
    db.session.commit()

    result = import_csv(make_csv([event(1, contact_email="new.address@example.org", contact_name="ALEX  example 1")]))
    assert (result.contacts_created, result.contacts_updated, result.invitations_created) == (0, 1, 0)
    db.session.expire_all()
    contact = db.session.scalar(select(Contact))
    assert contact.email == "new.address@example.org"
    assert contact.email_failed_at is None
    assert contact.mobile_failed_at == NOW  # the mobile did not change: still failed
    assert contact.name == "ALEX example 1"


def test_changed_mobile_clears_the_mobile_failure(app):
    import_csv(make_csv([event(1)]))
    contact = db.session.scalar(select(Contact))
    contact.mobile_failed_at = NOW
    db.session.commit()
    import_csv(make_csv([event(1, contact_mobile="+44 7700 900999")]))
    db.session.expire_all()
    contact = db.session.scalar(select(Contact))
    assert (contact.mobile, contact.mobile_failed_at) == ("+447700900999", None)


def test_blank_cells_keep_what_is_held(app):
    import_csv(make_csv([event(1)]))
    import_csv(make_csv([event(1, event="annual_review", contact_email="", ethnicity="", locality="")]))
    contact = db.session.scalar(select(Contact))
    child = db.session.scalar(select(Child))
    assert contact.email == "parent1@example.org"
    assert (child.ethnicity, child.locality) == ("WBRI", "North")


def test_child_attributes_come_from_the_newest_import_and_the_last_row(app):
    import_csv(make_csv([event(1, ethnicity="WBRI", primary_need="ASD")]))
    rows = [event(1, ethnicity="WOTH"), event(1, event="annual_review", ethnicity="WPOR", primary_need="SEMH")]
    result = import_csv(make_csv(rows))
    assert (result.children_created, result.children_updated) == (0, 1)
    db.session.expire_all()
    child = db.session.scalar(select(Child))
    assert (child.ethnicity, child.primary_need) == ("WOTH", "SEMH")


def test_a_second_contact_for_a_known_child_is_added(app):
    import_csv(make_csv([event(1)]))
    result = import_csv(make_csv([event(1, contact_name="Pat Example", contact_email="pat@example.org")]))
    assert (result.children_created, result.contacts_created, result.invitations_created) == (0, 1, 1)
    assert count(Contact) == 2


def test_duplicate_rows_in_one_file_count_once(app):
    result = import_csv(make_csv([event(1), event(1), event(1, contact_name=" alex   EXAMPLE 1 ")]))
    assert (result.rows, result.duplicates, result.invitations_created, result.contacts_created) == (3, 2, 1, 1)
    assert count(Invitation) == 1


def test_old_events_are_recorded_as_expired(app):
    max_age = app.config["CHASE_MAX_EVENT_AGE_DAYS"]
    edge = (TODAY - timedelta(days=max_age)).isoformat()
    old = (TODAY - timedelta(days=max_age + 1)).isoformat()
    result = import_csv(make_csv([event(1, event_date=edge), event(2, event_date=old)]))
    assert (result.invitations_created, result.expired) == (2, 1)
    statuses = dict(db.session.execute(select(Invitation.event_date, Invitation.status)).all())
    assert statuses[date.fromisoformat(edge)] == InvitationStatus.PENDING
    assert statuses[date.fromisoformat(old)] == InvitationStatus.EXPIRED
    assert any("recorded for the figures as expired" in line for line in result.summary_lines(max_age))


def test_opted_out_contact_stays_opted_out(app):
    child = create_child(ref="C000001")
    contact = create_contact(child, name="Alex Example 1", opted_out_at=NOW - timedelta(days=3))
    db.session.commit()
    result = import_csv(make_csv([event(1, contact_email="another@example.org")]))
    assert (result.contacts_created, result.invitations_created, result.opted_out) == (0, 1, 1)
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).opted_out_at == NOW - timedelta(days=3)
    assert db.session.scalar(select(Invitation.status)) == InvitationStatus.OPTED_OUT


def test_existing_invitation_is_left_alone(app):
    import_csv(make_csv([event(1)]))
    invitation = db.session.scalar(select(Invitation))
    invitation.status = InvitationStatus.RESPONDED
    db.session.commit()
    result = import_csv(make_csv([event(1)]))
    assert result.unchanged == 1 and result.invitations[0]["status"] == "responded"
    assert result.invitations[0]["created"] is False


# --- the file itself ----------------------------------------------------------------------------


def test_header_in_any_order_case_and_spacing_with_extra_columns(app):
    columns = [
        "Contact Name",
        " EVENT ",
        "event-date",
        "Child_Ref",
        "ethnicity",
        "contact role",
        "Contact Email",
        "Notes",
    ]
    body = ",".join(columns) + "\nAlex Example,new_plan,2026-11-02,C1,WBRI,parent_carer,alex@example.org,anything\n"
    result = import_csv(body.encode())
    assert result.invitations_created == 1
    assert db.session.scalar(select(Child.ref)) == "C1"


def test_missing_required_column_is_a_clear_error(app):
    columns = [c for c in COLUMNS if c != "contact_name"]
    assert problems_of(make_csv([event(1)], columns=columns)) == [
        (1, "contact_name", "The header row has no contact_name column")
    ]


def test_no_contact_columns_and_duplicate_columns(app):
    columns = [c for c in COLUMNS if c not in ("contact_email", "contact_mobile")] + ["locality"]
    found = problems_of(make_csv([event(1)], columns=columns))
    assert (1, "locality", "This column appears twice in the header row") in found
    assert any(column == "contact_email" and "contact_mobile column" in reason for _, column, reason in found)


def test_bom_blank_lines_and_spreadsheet_row_numbers(app):
    body = make_csv([event(1), event(2)]).decode()
    lines = body.split("\r\n")
    # a blank line and an Excel-style empty row (only commas) after the first event
    lines[2:2] = ["", "," * (len(COLUMNS) - 1)]
    lines[4] = lines[4].replace("parent2@example.org", "bad@")
    data = codecs.BOM_UTF8 + "\r\n".join(lines).encode()
    assert problems_of(data) == [(5, "contact_email", "'bad@' is not a valid email address")]
    fixed = data.replace(b"bad@,", b"parent2@example.org,")
    assert import_csv(fixed).invitations_created == 2


def test_semicolon_separated_and_utf16_files(app):
    semicolons = make_csv([event(1)]).replace(b",", b";")
    assert import_csv(semicolons).invitations_created == 1
    utf16 = make_csv([event(2, contact_name="Zoë Example")]).decode().encode("utf-16")
    assert import_csv(utf16).invitations_created == 1
    assert db.session.scalar(select(Contact.name).where(Contact.name.like("Zo%"))) == "Zoë Example"


def test_non_utf8_file_gets_a_clear_message(app):
    data = make_csv([event(1), event(2, contact_name="Zoë Example")]).decode().encode("cp1252")
    [(row, column, reason)] = problems_of(data)
    assert row == 3 and column == ""
    assert "not saved as UTF-8" in reason and "CSV UTF-8" in reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty"),
        (b"\r\n \r\n", "The file is empty"),
        (",".join(COLUMNS).encode() + b"\r\n", "The file has a header row but no events below it"),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is an Excel workbook, not a CSV file"),
    ],
)
def test_unusable_files(app, data, reason):
    [(_, _, found)] = problems_of(data)
    assert found.startswith(reason)


def test_quoted_cells_with_commas(app):
    result = import_csv(make_csv([event(1, contact_name="Example, Alex", locality="North, East")]))
    assert result.invitations_created == 1
    assert db.session.scalar(select(Contact.name)) == "Example, Alex"


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_import_prints_every_problem_and_exits_1(app, runner, tmp_path):
    path = tmp_path / "cohort.csv"
    rows = [event(1), event(2, event_date="2027-01-01"), event(3, ethnicity="ZZZZ", contact_mobile="123")]
    path.write_bytes(make_csv(rows))
    outcome = runner.invoke(args=["import-cohort", str(path)])
    assert outcome.exit_code == 1
    assert "Nothing was imported: 3 problems in 2 rows." in outcome.output
    assert "Row 3, event_date: '2027-01-01' is in the future" in outcome.output
    assert "Row 4, ethnicity: 'ZZZZ' is not a DfE school census ethnicity code" in outcome.output
    assert "Row 4, contact_mobile: '123' is not a UK mobile number" in outcome.output
    assert count(Invitation) == 0


def test_cli_import_success_and_repeat(app, runner, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(make_csv([event(1), event(2, event_date="2026-01-05")]))
    first = runner.invoke(args=["import-cohort", str(path)])
    assert first.exit_code == 0, first.output
    assert "Invitations: 2 new, 0 already imported" in first.output
    assert "1 event more than 60 days old" in first.output
    second = runner.invoke(args=["import-cohort", str(path)])
    assert second.exit_code == 0
    assert "Invitations: 0 new, 2 already imported" in second.output
    assert count(Invitation) == 2


def test_cli_create_api_token_prints_it_once_and_stores_only_the_hash(app, runner):
    outcome = runner.invoke(args=["create-api-token", "case-system"])
    assert outcome.exit_code == 0, outcome.output
    token = outcome.output.strip().splitlines()[-1]
    assert len(token) >= 40
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "case-system"))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    again = runner.invoke(args=["create-api-token", "case-system"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_cli_revoke_api_token(app, runner):
    runner.invoke(args=["create-api-token", "case-system"])
    outcome = runner.invoke(args=["revoke-api-token", "case-system"])
    assert outcome.exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.revoked_at)) == NOW
    assert runner.invoke(args=["revoke-api-token", "nobody"]).exit_code != 0


def test_a_concurrent_import_that_got_there_first_rolls_everything_back(app, monkeypatch):
    import feedback.cohort.importer as cohort

    import_csv(make_csv([event(1)]))
    # As if another import inserted C000001 between our look-up and our insert.
    monkeypatch.setattr(cohort, "_load_children", lambda refs: {})
    with pytest.raises(cohort.ImportConflict) as caught:
        import_csv(make_csv([event(2), event(1, event="annual_review")]))
    assert "nothing was imported, try again" in caught.value.problems[0].reason
    assert (count(Child), count(Contact), count(Invitation)) == (1, 1, 1)
