"""A quarter of known answers (2026/27 Q3), built row by row so that every figure can be worked out by hand.

Cohort: 60 events of known ethnicity (21 minority ethnic) and 3 unknown; respondents: 21 events of known
ethnicity (8 minority ethnic) and 1 unknown. By group (DfE code used):

    group                    code   events  answered
    White British            WBRI       39        13
    Other White backgrounds  WOTH        4         2
    Mixed                    MWBC        3         2
    Asian                    APKN       10         2
    Black                    BAFR        3         1
    Any other ethnic group   OOTH        1         1
    Unknown                  NOBT, REFU, blank: 3 events, 1 answered (NOBT)

Traps: two parents answering about one White British child's plan (one event, answered); a young person and
their parent invited for the same review, only the young person answering (one event); an Asian family with two
invitations for one event, one expired, neither answered (one event, in the cohort); answers by phone and on
paper; an event in the quarter before and a response with no invitation, which are not in this quarter's cohort.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from feedback.core.extensions import db
from feedback.models import (
    Child,
    Contact,
    ContactRole,
    InvitationStatus,
    Response,
    ResponseChannel,
)
from feedback.surveys.invitations import new_invitation

QUARTER_START = date(2026, 10, 1)
ANSWERED_AT = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
GROUPS = {"WBRI": (39, 13), "WOTH": (4, 2), "MWBC": (3, 2), "APKN": (10, 2), "BAFR": (3, 1), "OOTH": (1, 1)}
UNKNOWN = [("NOBT", True), ("REFU", False), (None, False)]

_refs = itertools.count(1)


def _child(code: str | None) -> Child:
    child = Child(ref=f"K{next(_refs):05d}", ethnicity=code)
    db.session.add(child)
    return child


def _contact(child: Child, role: ContactRole = ContactRole.PARENT_CARER) -> Contact:
    n = next(_refs)
    contact = Contact(child=child, role=role, name=f"Parent {n}", name_key=f"parent {n}",
                      email=f"known{n}@example.org", mobile=f"+447700900{n % 1000:03d}")  # fmt: skip
    db.session.add(contact)
    return contact


def _invite(child, contact, survey_key, day, *, answered=False, channel=ResponseChannel.ONLINE, **fields):
    invitation = new_invitation(child, contact, survey_key, day, **fields)
    db.session.add(invitation)
    if answered:
        invitation.status = InvitationStatus.RESPONDED
        invitation.responded_at = ANSWERED_AT
        db.session.add(Response(invitation=invitation, survey_key=survey_key, survey_version=1, event_date=day,
                                channel=channel, ethnicity=child.ethnicity, submitted_at=ANSWERED_AT))  # fmt: skip
    return invitation


def build_known_quarter(*, call_list_at: datetime | None = None) -> dict[str, list]:
    """Adds the quarter's rows and commits. Returns, per DfE code, the unanswered invitations (for call lists):
    with `call_list_at`, every unanswered open invitation is on the call list from then."""
    unanswered: dict[str, list] = {}
    channels = itertools.cycle([ResponseChannel.ONLINE, ResponseChannel.PHONE, ResponseChannel.PAPER])
    day = itertools.cycle(QUARTER_START + timedelta(days=d) for d in range(0, 80, 3))
    waiting = dict(status=InvitationStatus.OPEN, call_list_at=call_list_at, call_reason="no_response")
    for code, (events, answered) in [*GROUPS.items(), *[(c, (1, int(a))) for c, a in UNKNOWN]]:
        for n in range(events):
            child, when, answers = _child(code), next(day), n < answered
            survey = "new_plan" if n % 2 else "annual_review"
            if code == "WBRI" and n == 0:  # two parents answer about one child: one event
                _invite(child, _contact(child), survey, when, answered=True)
                _invite(child, _contact(child), survey, when, answered=True, channel=ResponseChannel.PAPER)
                continue
            if code == "WBRI" and n == 1:  # a young person and a parent, one review; only the young person answers
                _invite(child, _contact(child, ContactRole.YOUNG_PERSON), "annual_review_young_person", when,
                        answered=True)  # fmt: skip
                _invite(child, _contact(child), "annual_review", when, answered=False, **waiting)
                continue
            if code == "APKN" and n == events - 1:  # two invitations, one recorded too late: one event, unanswered
                _invite(child, _contact(child), survey, when, status=InvitationStatus.EXPIRED)
            invitation = _invite(child, _contact(child), survey, when, answered=answers, channel=next(channels),
                                 **({} if answers else waiting))  # fmt: skip
            if not answers:
                unanswered.setdefault(code or "", []).append(invitation)
    # Not in the cohort: an answered event the day before the quarter, and a response with no invitation.
    child = _child("APKN")
    _invite(child, _contact(child), "new_plan", QUARTER_START - timedelta(days=1), answered=True)
    db.session.add(Response(invitation=None, survey_key="new_plan", survey_version=1, event_date=QUARTER_START,
                            ethnicity="WBRI", submitted_at=ANSWERED_AT))  # fmt: skip
    db.session.commit()
    return unanswered
