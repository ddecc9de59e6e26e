"""Nothing public identifies a child or family. Distinctive values are seeded in every table (references, first
names, contacts' names, emails and mobiles, dates of birth, free text of families who did not agree to be quoted,
texts sent back, call and follow-up notes, old versions and drafts of entries...), then every public page, the
feed, the sitemap and the results are fetched and searched for them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import (
    ApiToken,
    AuditEvent,
    CallOutcome,
    CallRecord,
    FollowUp,
    FollowUpNote,
    InboundSms,
    Message,
    ResponseTheme,
    SafeguardingAlert,
    StaffMessage,
)
from feedback.publishing.entries import add_quote, update_entry
from feedback.publishing.lifecycle import publish_entry
from feedback.web.access import ACCESS, ANYONE
from tests.factories import create_child, create_contact, create_user
from tests.publishing.conftest import TUESDAY, fields, london, make_entry, respond

SECRETS = [
    "ZQREF0001",  # a child's reference
    "Ximenatrix",  # a child's first name
    "Ysolde Pettigrew",  # a contact's name
    "Pettigrew",
    "ysolde.pettigrew@example.org",
    "07700 900777",
    "07700900777",
    "+447700900777",
    "19/07/2013",
    "2013-07-19",
    "19 July 2013",  # a child's date of birth
    "Quillinghurst",  # a locality
    "Zanzibar marmalade",  # free text of a family who did not agree to be quoted
    "unquoted heron",  # free text of a family who agreed, but was not quoted
    "Quokka reply",  # a text sent back
    "Wombat call note",
    "Narwhal follow-up note",
    "Axolotl referral",
    "Pangolin audit detail",
    "Officer Capybara",
    "capybara@example.org",
    "tapir-token",
    "Gibbon old wording",  # an earlier version of a published entry
    "Draft Ocelot",  # a draft entry
    "Scheduled Lemur",  # an entry scheduled for later
    "Withdrawn Meerkat",  # a withdrawn entry
    "Marmoset staff body",
]


def seed() -> dict:
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        child = create_child(ref="ZQREF0001", first_name="Ximenatrix", date_of_birth=date(2013, 7, 19),
                             locality="Quillinghurst")  # fmt: skip
        contact = create_contact(child=child, name="Ysolde Pettigrew", email="ysolde.pettigrew@example.org",
                                 mobile="+447700900777")  # fmt: skip
        secret = respond(consent_contact=True, consent_quote=False, texts={"do_better": "Zanzibar marmalade"},
                         name="Ysolde Pettigrew", email="ysolde.pettigrew@example.org")  # fmt: skip
        secret.invitation.child = child
        secret.invitation.contact = contact
        quoted = respond(consent_quote=True, texts={"went_well": "The kind caseworker phoned back quickly.",
                                                    "do_better": "unquoted heron"})  # fmt: skip
        others = [respond(consent_quote=True) for _ in range(4)]
        officer = create_user(email="capybara@example.org", name="Officer Capybara")
        db.session.add_all(
            [
                InboundSms(
                    notify_id="in-1", source_number="+447700900777", message="Quokka reply", received_at=clock.now()
                ),
                CallRecord(invitation_id=secret.invitation_id, outcome=CallOutcome.NO_ANSWER, note="Wombat call note"),
                AuditEvent(action="test", detail="Pangolin audit detail"),
                ApiToken(name="tapir-token", token_hash="0" * 64),
                StaffMessage(
                    purpose="digest",
                    template_key="digest_email",
                    to_email="capybara@example.org",
                    dedupe_key="privacy-test",
                    body="Marmoset staff body",
                ),  # fmt: skip
                ResponseTheme(response_id=secret.id, theme="communication"),
                SafeguardingAlert(response_id=secret.id, action_taken="Axolotl referral"),
                Message(
                    invitation_id=secret.invitation_id,
                    sequence=9,
                    channel="email",
                    purpose="invite",
                    body="Dear Ysolde Pettigrew, Ximenatrix ZQREF0001",
                ),  # fmt: skip
            ]
        )
        # Taking the response in may already have opened its follow-up (the family asked to be contacted).
        follow_up = db.session.scalar(select(FollowUp).where(FollowUp.response_id == secret.id)) or FollowUp(
            response_id=secret.id, reasons=["asked_for_contact"]
        )
        follow_up.notes.append(FollowUpNote(body="Narwhal follow-up note"))
        db.session.add(follow_up)
        db.session.commit()
    published = make_entry(officer, responses=[secret, quoted, *others], we_did="Gibbon old wording")
    add_quote(published, quoted, "went_well", "The kind caseworker phoned back quickly.", officer)
    update_entry(published, fields(we_did="We changed how we reply."), officer)
    with clock.frozen(london(TUESDAY)):
        publish_entry(published, officer)
    make_entry(officer, title="Draft Ocelot", responses=[secret])
    scheduled = make_entry(officer, title="Scheduled Lemur")
    scheduled.status, scheduled.publish_at = "scheduled", london(TUESDAY + timedelta(days=30))
    withdrawn = make_entry(officer, title="Withdrawn Meerkat", publish_at=london(TUESDAY))
    withdrawn.status = "withdrawn"
    db.session.commit()
    return {"published": published, "hidden": [scheduled, withdrawn]}


def public_urls(app, entries: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if ACCESS.get(rule.endpoint) == ANYONE and "GET" in rule.methods and not rule.arguments:
            if not rule.rule.startswith(("/officer", "/api", "/assets")):
                urls.append(rule.rule)
    slugs = [entries["published"].slug] + [a.slug for a in entries["hidden"]] + ["draft-ocelot"]
    urls += [f"/you-said-we-did/{slug}" for slug in slugs]
    urls += ["/results?year=2026/27", "/results?year=2025/26", "/you-said-we-did?theme=timeliness",
             "/you-said-we-did?year=2026/27", "/you-said-we-did?page=2"]  # fmt: skip
    return urls


def test_nothing_public_identifies_a_child_or_family(app, client):
    entries = seed()
    urls = public_urls(app, entries)
    assert {"/", "/you-said-we-did", "/you-said-we-did/feed.atom", "/results", "/sitemap.xml"} <= set(urls)
    found_quote = False
    for url in urls:
        reply = client.get(url)
        assert reply.status_code in (200, 404), url
        body = reply.get_data(as_text=True)
        for secret in SECRETS:
            assert secret.lower() not in body.lower(), f"{secret!r} is on {url}"
        found_quote = found_quote or "The kind caseworker phoned back quickly." in body
    assert found_quote  # a family who agreed to be quoted is quoted, without a name
