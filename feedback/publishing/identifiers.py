"""Finding what could identify a child or family in text about to be published: names of children and contacts
held in the database (first names and full names), child references, email addresses, phone numbers, postcodes
and children's dates of birth.

`find_identifiers` is pure (text and what is known in, flags out); `known_for` reads what it needs from the
database for one text. Only a name can be confirmed as "not a name" by the officer ("Will", "Hope", "Grace" are
words too); everything else must be edited out. The council's own contact details are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from feedback.core.extensions import db
from feedback.models import Child, Contact

MAX_NAME_WORDS = 4  # the longest full name looked for, in words
MIN_NAME_LENGTH = 2

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]|[A-Za-z0-9]")
_REFERENCE_LIKE = re.compile(r"^(?:[A-Za-z]{1,3}[-/]?\d{4,}|\d{6,})$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?44|0)[\d\s().-]{8,18}\d")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = ("january february march april may june july august september october november december").split()
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(m[:3] + f"(?:{m[3:]})?" for m in _MONTHS) + r")\.?,?\s+(\d{4})\b",
    re.IGNORECASE,
)

KIND_LABELS = {
    "name": "a name",
    "reference": "a child's reference",
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "date_of_birth": "a child's date of birth",
}


@dataclass(frozen=True)
class Flag:
    kind: str  # name | reference | email | phone | postcode | date_of_birth
    text: str  # as written

    @property
    def confirmable(self) -> bool:
        """Only a name may be confirmed as not one; everything else has to be edited out."""
        return self.kind == "name"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Known:
    """What the database holds that the text must not contain (names lower-cased, full names space-joined)."""

    names: frozenset[str] = frozenset()
    references: frozenset[str] = frozenset()  # lower-cased
    dates_of_birth: frozenset[date] = frozenset()
    allowed: frozenset[str] = field(default_factory=frozenset)  # public contact details, normalised


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") else digits


def normalise_contact(text: str) -> str:
    """An email lower-cased, a phone number as its digits (0 first): how `Known.allowed` is written."""
    return text.strip().lower() if "@" in text else _digits(text)


def _words(text: str) -> list[str]:
    words = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        word = re.sub(r"['’][sS]$", "", word)  # "Sam's" -> "Sam"
        words.append(word)
    return words


def _names(text: str, known: Known, not_names: set[str]) -> list[Flag]:
    words = _words(text)
    found: list[Flag] = []
    for size in range(MAX_NAME_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if len(phrase) < MIN_NAME_LENGTH or phrase in not_names:
                continue
            if phrase.lower() in known.names:
                found.append(Flag("name", phrase))
    return found


def _dates(text: str) -> list[tuple[str, date]]:
    found = []
    for match in _NUMERIC_DATE.finditer(text):
        if match.group(4):
            parts = int(match.group(4)), int(match.group(5)), int(match.group(6))
        else:
            year = int(match.group(3))
            if year < 100:  # "12/03/15": children and young people are 0 to 25
                year += 2000 if year < 70 else 1900
            parts = year, int(match.group(2)), int(match.group(1))
        try:
            found.append((match.group(0), date(*parts)))
        except ValueError:
            continue
    for match in _WRITTEN_DATE.finditer(text):
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(match.group(2).lower()[:3]))
        try:
            found.append((match.group(0), date(int(match.group(3)), month, int(match.group(1)))))
        except ValueError:
            continue
    return found


def _contact_details(text: str, known: Known) -> tuple[list[Flag], str]:
    """Email addresses and phone numbers, and the text with them blanked out (so that the digits of a phone
    number are not taken for a reference, nor an address for a name)."""
    flags: list[Flag] = []
    spans: list[tuple[int, int]] = []
    for match in _EMAIL.finditer(text):
        spans.append(match.span())
        if normalise_contact(match.group(0)) not in known.allowed:
            flags.append(Flag("email", match.group(0)))
    for match in _PHONE.finditer(text):
        digits = _digits(match.group(0))
        if 10 <= len(digits) <= 11:
            spans.append(match.span())
            if digits not in known.allowed:
                flags.append(Flag("phone", match.group(0).strip()))
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return flags, "".join(chars)


def find_identifiers(text: str, known: Known, not_names: Iterable[str] = ()) -> list[Flag]:
    """Everything in `text` that may identify a child or family, once each."""
    contact_flags, rest = _contact_details(text or "", known)
    flags: list[Flag] = _names(rest, known, set(not_names))
    for token in _TOKEN.findall(rest):
        if token.lower() in known.references or _REFERENCE_LIKE.match(token):
            flags.append(Flag("reference", token))
    flags += contact_flags
    flags += [Flag("postcode", m.group(0)) for m in _POSTCODE.finditer(rest)]
    flags += [Flag("date_of_birth", written) for written, day in _dates(rest) if day in known.dates_of_birth]
    unique: dict[tuple[str, str], Flag] = {}
    for flag in flags:
        unique.setdefault((flag.kind, flag.text), flag)
    return list(unique.values())


# ---------------------------------------------------------------- what the database holds


def _name_set() -> frozenset[str]:
    """Every child's first name, and every contact's full name and first name, lower-cased."""
    names: set[str] = set()
    first_names = select(func.lower(Child.first_name)).where(Child.first_name.is_not(None)).distinct()
    for first in db.session.scalars(first_names):
        names.update(_name_forms(first))
    for key in db.session.scalars(select(Contact.name_key).distinct()):
        names.update(_name_forms(key))
    return frozenset(n for n in names if len(n) >= MIN_NAME_LENGTH)


def _name_forms(name: str | None) -> set[str]:
    """'alex o'brien-smith' -> {'alex o'brien-smith', 'alex'}: the full name and the first name, lower-cased."""
    words = [w.strip('.,;:()"') for w in (name or "").lower().split()]
    words = [w for w in words if w]
    if not words:
        return set()
    return {" ".join(words[:MAX_NAME_WORDS]), words[0]}


def known_for(text: str, allowed: Iterable[str] = ()) -> Known:
    """What the database holds that `text` could contain: every name, and the references and dates of birth that
    match one written in the text (looked up, not all loaded)."""
    tokens = {t.lower() for t in _TOKEN.findall(text or "")}
    references: frozenset[str] = frozenset()
    if tokens:
        found = db.session.scalars(select(func.lower(Child.ref)).where(func.lower(Child.ref).in_(sorted(tokens))))
        references = frozenset(found)
    days = {day for _, day in _dates(text or "")}
    births: frozenset[date] = frozenset()
    if days:
        births = frozenset(db.session.scalars(select(Child.date_of_birth).where(Child.date_of_birth.in_(days))))
    return Known(
        names=_name_set(),
        references=references,
        dates_of_birth=births,
        allowed=frozenset(normalise_contact(a) for a in allowed if a),
    )
