"""Safeguarding alerts: the banner until an officer records what was done, the alert pages, and the parts the
response page includes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import render_template_string
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import AuditEvent, Role, SafeguardingAlert
from tests.factories import create_invitation, sign_in
from tests.insight.test_follow_up_pages import follow_up_of, respond

WORRY = "She has started self-harming and CAMHS say the waiting list is a year"
RAISED = datetime(2026, 11, 2, 9, 5, tzinfo=UTC)


def alert_of(response) -> SafeguardingAlert:
    return db.session.scalar(select(SafeguardingAlert).where(SafeguardingAlert.response_id == response.id))


def banner(client, url="/officer/follow-ups") -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(
        r'<div class="govuk-notification-banner app-notification-banner--safeguarding.*?</div>\s*</div>', html, re.S
    )
    return found.group(0) if found else ""


def test_the_banner_stays_until_an_officer_records_what_was_done(client):
    with clock.frozen(RAISED):
        response = respond(WORRY)
    alert = alert_of(response)
    officer = sign_in(client, Role.OFFICER)
    shown = banner(client)
    assert "1 safeguarding alert is waiting" in shown and "2 November 2026 at 9:05am" in shown
    assert "/officer/safeguarding-alerts" in shown and WORRY not in shown
    assert "Safeguarding" in banner(client, f"/officer/follow-ups/{follow_up_of(response).id}")

    page = client.get(f"/officer/safeguarding-alerts/{alert.id}").get_data(as_text=True)
    assert "Self-harm or suicide" in page and WORRY in page and response.invitation.contact.name in page
    reply = client.post(
        f"/officer/safeguarding-alerts/{alert.id}", data={"action": "Referred to the front door, ref 123"}
    )
    assert reply.status_code == 302
    db.session.refresh(alert)
    assert alert.handled_at is not None and alert.handled_by_id == officer.id
    assert alert.action_taken == "Referred to the front door, ref 123"
    assert banner(client) == ""
    listed = client.get("/officer/safeguarding-alerts").get_data(as_text=True)
    assert "No alert is waiting" in listed and f"Alert {alert.id}<" in listed
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "safeguarding_alert").order_by(AuditEvent.id)
    ).all()
    assert actions == ["safeguarding_alert_raised", "safeguarding_alert_viewed", "safeguarding_alert_handled"]


def test_the_action_is_required_and_can_be_corrected(client):
    alert = alert_of(respond(WORRY))
    sign_in(client, Role.ADMIN)
    for action in ("", "  "):
        page = client.post(f"/officer/safeguarding-alerts/{alert.id}", data={"action": action}).get_data(as_text=True)
        assert "<title>Error: Safeguarding alert" in page and "Enter what was done" in page
    db.session.refresh(alert)
    assert alert.handled_at is None
    client.post(f"/officer/safeguarding-alerts/{alert.id}", data={"action": "Called the family"})
    first = alert.handled_at
    client.post(f"/officer/safeguarding-alerts/{alert.id}", data={"action": "Called the family; referred to MASH"})
    db.session.refresh(alert)
    assert alert.handled_at == first and alert.action_taken.endswith("MASH")
    assert client.get("/officer/safeguarding-alerts/999").status_code == 404


def test_several_alerts_are_listed_oldest_first(client):
    with clock.frozen(RAISED):
        first = alert_of(respond(WORRY))
    second = alert_of(respond("The respite carer shouted at him and locked him in a room"))
    sign_in(client, Role.OFFICER)
    assert "2 safeguarding alerts are waiting" in banner(client)
    page = client.get("/officer/safeguarding-alerts").get_data(as_text=True)
    assert page.index(f"Alert {first.id}<") < page.index(f"Alert {second.id}<")
    assert "Restraint or seclusion" in page


def _render_banner(app, client, role):
    user = sign_in(client, role)
    with app.test_request_context("/officer/"):
        from flask_login import login_user

        login_user(user)
        return render_template_string('{% include "officer/_safeguarding_banner.html" %}')


def test_a_viewer_learns_only_that_alerts_are_open(app, client):
    assert _render_banner(app, client, Role.VIEWER).strip() == ""  # nothing open: nothing shown
    response = respond(WORRY)
    shown = _render_banner(app, client, Role.VIEWER)
    assert "1 safeguarding alert is waiting" in shown and "An officer or administrator must read it" in shown
    assert "href" not in shown and WORRY not in shown and response.invitation.child.ref not in shown
    staff = _render_banner(app, client, Role.OFFICER)
    assert 'href="/officer/safeguarding-alerts"' in staff


def test_the_response_page_part_shows_the_follow_up_and_the_alert(app, client):
    response = respond(WORRY)
    quiet = respond("", consent_contact="no")
    user = sign_in(client, Role.OFFICER)
    with app.test_request_context("/officer/"):
        from flask_login import login_user

        login_user(user)
        part = render_template_string('{% include "officer/_response_follow_ups.html" %}', response=response)
        none = render_template_string('{% include "officer/_response_follow_ups.html" %}', response=quiet)
    assert f"/officer/follow-ups/{follow_up_of(response).id}" in part
    assert f"/officer/safeguarding-alerts/{alert_of(response).id}" in part and "Open: record what was done" in part
    assert "No follow-up" in none and "safeguarding-alerts" not in none


def test_the_thank_you_page_tells_every_family_how_to_reach_childrens_services(app, client):
    for survey_key in ("new_plan", "annual_review", "annual_review_young_person"):
        invitation, token = create_invitation(survey_key)
        from tests.surveys.test_journey import full_answers

        client.post(f"/s/{token}", data=full_answers(survey_key))
        page = client.get(f"/s/{token}/done").get_data(as_text=True)
        assert 'href="tel:999"' in page and app.config["CHILDRENS_SERVICES_PHONE"] in page
        if survey_key == "annual_review_young_person":
            assert "If you do not feel safe" in page and "tell an adult you trust" in page
        else:
            assert "If you are worried about a child" in page
            assert app.config["CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE"] in page
