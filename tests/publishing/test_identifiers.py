"""Names, references and contact details flagged before publishing (feedback.publishing.identifiers)."""

from __future__ import annotations

from datetime import date

from feedback.core.extensions import db
from feedback.publishing.identifiers import Known, find_identifiers, known_for, normalise_contact
from tests.factories import create_child, create_contact

KNOWN = Known(
    names=frozenset({"sam", "alex", "alex example", "will"}),
    references=frozenset({"nsh000123"}),
    dates_of_birth=frozenset({date(2015, 3, 12)}),
    allowed=frozenset({normalise_contact("01632 960000"), "send.feedback@example.org"}),
)


def kinds(text: str, not_names=()) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in find_identifiers(text, KNOWN, not_names)}


def test_first_names_full_names_and_possessives_are_flagged():
    found = kinds("Sam's mum said Alex Example was kind")
    assert ("name", "Sam") in found and ("name", "Alex Example") in found and ("name", "Alex") in found


def test_a_word_confirmed_not_a_name_is_no_longer_flagged_in_that_case_only():
    assert ("name", "will") in kinds("we will change it")
    assert ("name", "will") not in kinds("we will change it", ["will"])
    assert ("name", "Will") in kinds("my son Will", ["will"])  # confirmed "will", not "Will"


def test_references_emails_phones_postcodes_and_dates_of_birth():
    text = (
        "Child NSH000123 (or nsh000123), case AB123456, email jo.bloggs@example.net, call 07700 900123 or "
        "+44 7700 900124, lives at NE1 4XY, born 12/03/2015 or 12 March 2015."
    )
    found = kinds(text)
    assert ("reference", "NSH000123") in found and ("reference", "nsh000123") in found
    assert ("reference", "AB123456") in found
    assert ("email", "jo.bloggs@example.net") in found
    assert ("phone", "07700 900123") in found and ("phone", "+44 7700 900124") in found
    assert ("postcode", "NE1 4XY") in found
    assert ("date_of_birth", "12/03/2015") in found and ("date_of_birth", "12 March 2015") in found
    assert not any(kind == "reference" and value in {"900123", "900124"} for kind, value in found)


def test_the_councils_own_contact_details_and_ordinary_numbers_are_not_flagged():
    text = "Email send.feedback@example.org or call 01632 960000. In 2026/27 Q3 we spent £12,000 on 10 days."
    assert kinds(text) == set()


def test_only_names_can_be_confirmed():
    flags = find_identifiers("Sam, jo@example.net", KNOWN)
    assert {f.kind: f.confirmable for f in flags} == {"name": True, "email": False}


def test_what_the_database_holds_is_looked_up(app):
    child = create_child(ref="NSH777001", first_name="Priyanka", date_of_birth=date(2016, 5, 4))
    create_contact(child=child, name="Morwenna Tregarthen")
    db.session.commit()
    text = "Priyanka and her mum Morwenna Tregarthen (nsh777001, born 04/05/2016) said so; Zebedee agreed."
    known = known_for(text)
    found = {(f.kind, f.text) for f in find_identifiers(text, known)}
    assert ("name", "Priyanka") in found
    assert ("name", "Morwenna Tregarthen") in found and ("name", "Morwenna") in found
    assert ("reference", "nsh777001") in found
    assert ("date_of_birth", "04/05/2016") in found
    assert not any(value == "Zebedee" for _, value in found)
