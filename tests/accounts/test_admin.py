"""User admin, invitations, the password policy, the audit log page and security.txt."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback.accounts.audit_log import ACTION_LABELS
from feedback.accounts.password_policy import password_problems
from feedback.core import clock
from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.models import AccountInvitation, AuditEvent, Role, StaffMessage, User
from tests.factories import create_user, sign_in

NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)
ACTION_LABELS_SHOWN = ("Viewed a family&#39;s response", "Exported responses")
FEEDBACK = Path(__file__).resolve().parents[2] / "feedback"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short one", "12 characters or more"),
        ("password1234", "harder to guess"),
        ("qwertyuiop123", "harder to guess"),
        ("Pomfrey rules the roost", "your name or email"),
        ("olivia.pomfrey@example.org!", "your name or email"),
        ("quartz umbrella kestrel violin", None),
    ],
)
def test_the_password_policy(password, problem):
    problems = password_problems(password, name="Olivia Pomfrey", email="olivia.pomfrey@example.org")
    if problem is None:
        assert problems == []
    else:
        assert problems and problem in problems[0]


def test_an_invitation_link_works_once_for_24_hours_and_the_officer_chooses_a_password(app, client):
    clock.set_now(NOW)
    sign_in(client, Role.ADMIN)
    reply = client.post(
        "/officer/users/invite", data={"name": "Nadia Newcomer", "email": "Nadia@example.org", "role": "viewer"}
    )
    assert reply.status_code == 302
    email = db.session.scalar(select(StaffMessage).where(StaffMessage.purpose == "account_invite"))
    assert email.to_email == "nadia@example.org" and email.template_key == "account_invite_email"
    link = re.search(r"http://survey\.test(/officer/invitation/\S+)", email.body).group(1)
    token = link.rsplit("/", 1)[1]
    assert token not in str(db.session.scalar(select(AccountInvitation.token_hash)))  # only the hash is kept

    newcomer = app.test_client()
    weak = newcomer.post(link, data={"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 200 and "harder to guess" in weak.get_data(as_text=True)
    own = newcomer.post(link, data={"password": "nadia newcomer rocks", "confirm": "nadia newcomer rocks"})
    assert "your name or email" in own.get_data(as_text=True)
    good = "quartz umbrella kestrel violin"
    assert newcomer.post(link, data={"password": good, "confirm": good}).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.role == Role.VIEWER and user.mfa_secret is None  # two-factor set up at first sign-in
    assert newcomer.get(link).status_code == 404  # once only

    client.post("/officer/users/invite", data={"name": "Late Larry", "email": "larry@example.org", "role": "officer"})
    late = db.session.scalars(select(StaffMessage).order_by(StaffMessage.id.desc())).first()
    late_link = re.search(r"http://survey\.test(/officer/invitation/\S+)", late.body).group(1)
    clock.set_now(NOW + timedelta(hours=24, minutes=1))
    assert client.get(late_link).status_code == 404
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions.count("user_invited") == 2 and "invitation_accepted" in actions


def test_user_admin_and_the_last_active_admin(client):
    admin = sign_in(client, Role.ADMIN, name="Ada Admin")
    officer = create_user("otto@example.org", name="Otto Officer")
    page = client.get("/officer/users").get_data(as_text=True)
    assert "Ada Admin" in page and "Otto Officer" in page

    refused = client.post(f"/officer/users/{admin.id}", data={"role": "officer"})
    assert "only active admin" in refused.get_data(as_text=True)
    client.post(f"/officer/users/{admin.id}/deactivate", data={})
    db.session.refresh(admin)
    assert admin.active and admin.role == Role.ADMIN

    assert client.post(f"/officer/users/{officer.id}", data={"role": "admin"}).status_code == 302
    client.post(f"/officer/users/{officer.id}/reset-two-factor", data={})
    db.session.refresh(officer)
    assert officer.role == Role.ADMIN and officer.mfa_secret is None
    client.post(f"/officer/users/{officer.id}/deactivate", data={})
    client.post(f"/officer/users/{officer.id}/reactivate", data={})
    assert client.post(f"/officer/users/{officer.id}/nonsense", data={}).status_code == 404
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user_role_changed", "two_factor_reset", "user_deactivated", "user_reactivated"} <= actions


def test_the_audit_log_page_filters_and_downloads(client):
    admin = sign_in(client, Role.ADMIN, name="Ada Admin")
    other = create_user("otto@example.org", name="Otto Officer")
    with clock.frozen(datetime(2026, 10, 1, 12, tzinfo=UTC)):
        record_audit("view_response", "response", 7, user_id=other.id)
        record_audit("export_responses", "response", None, detail="=HYPERLINK(1)", user_id=other.id)
        db.session.flush()  # "at" is set when written
    with clock.frozen(datetime(2026, 11, 1, 12, tzinfo=UTC)):
        record_audit("view_response", "response", 8, user_id=admin.id)
        db.session.commit()

    viewed, exported = (f'<td class="govuk-table__cell">{label}</td>' for label in ACTION_LABELS_SHOWN)
    page = client.get("/officer/audit").get_data(as_text=True)
    assert viewed in page and exported in page
    by_person = client.get(f"/officer/audit?user={other.id}").get_data(as_text=True)
    assert by_person.count(viewed) == 1 and exported in by_person
    by_action = client.get("/officer/audit?action=view_response").get_data(as_text=True)
    assert by_action.count(viewed) == 2 and exported not in by_action
    by_date = client.get("/officer/audit?date_from=2026-10-15&date_to=2026-11-01").get_data(as_text=True)
    assert "response 8" in by_date and "response 7" not in by_date

    csv = client.get(f"/officer/audit.csv?user={other.id}")
    body = csv.get_data(as_text=True)
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8" and body.startswith("\ufeffWhen (London)")
    assert "Otto Officer <otto@example.org>" in body and "'=HYPERLINK(1)" in body and "Ada Admin" not in body
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "audit_downloaded")) == 1


def _audited_actions() -> set[str]:
    """Every action name the code passes to record_audit (string literals, either side of an if)."""
    found = set()
    for path in FEEDBACK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_audit" and node.args:
                found |= {n.value for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant)}
    return found


def test_every_audited_action_has_a_readable_label():
    actions = _audited_actions()
    assert {"sign_in", "view_response", "erase", "safeguarding_alert_handled"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_security_txt_and_the_privacy_notice(app, client):
    app.config["SECURITY_CONTACT"] = "mailto:infosec@northshire.example.org"
    reply = client.get("/.well-known/security.txt")
    assert reply.status_code == 200 and reply.mimetype == "text/plain"
    body = reply.get_data(as_text=True)
    assert "Contact: mailto:infosec@northshire.example.org" in body and "Expires: " in body
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "395 days (about 13 months) after your last survey closed" in privacy
    assert "1,095 days (3 years) after you wrote it" in privacy and "ask us to delete it" in privacy
