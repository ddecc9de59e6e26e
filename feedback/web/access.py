"""Who may reach each page: one table of endpoint → access, enforced before every request.

Every registered endpoint must have a line here. One without a decision is refused (403) and fails
tests/web/test_access.py, so a new page cannot go live by accident. Least privilege: a `viewer` sees
figures only, never a name, reference, contact detail or free text.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user

from feedback.core.audit import record_audit
from feedback.core.extensions import db, login_manager

ANYONE = "anyone"  # no sign-in: public pages, sign-in itself
TOKEN = "token"  # no sign-in, but the view checks a token of its own (survey link, API or Notify bearer token)

ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "officer"})  # may see personal data and act on it
EVERY_ROLE = frozenset({"admin", "officer", "viewer"})  # figures only for viewers

ACCESS: dict[str, str | frozenset[str]] = {
    # Families and the public
    "static": ANYONE,  # issue 11: WhiteNoise answers /assets/ first; this endpoint builds asset URLs
    "public.start": ANYONE,
    "public.accessibility": ANYONE,
    "public.privacy": ANYONE,
    "public.cookies": ANYONE,
    "public.you_said_we_did": ANYONE,
    "survey.answer": TOKEN,
    "survey.done": TOKEN,
    "survey.stop": TOKEN,
    # Machines
    "api.health": ANYONE,
    "api.post_events": TOKEN,
    "notify.delivery_receipt": TOKEN,
    "notify.inbound_text": TOKEN,
    # Signing in and out
    "officer.sign_in": ANYONE,
    "officer.sign_out": ANYONE,
    # Figures (every role)
    "officer.dashboard": EVERY_ROLE,
    # Families' details and messages (staff only)
    "officer.call_list": STAFF,
    "officer.call": STAFF,
    "officer.phone_answers": STAFF,
    "officer.outbox": STAFF,  # families' names, addresses and messages
    "officer.replies": STAFF,  # texts families sent, with their numbers
    "officer.mark_reply_read": STAFF,
    "officer.import_cohort": STAFF,
    "officer.import_example": STAFF,
    # Administration (admin only)
    # -- Issue 7, figures and responses: add lines below this one --
    "officer.figures_csv": EVERY_ROLE,  # the dashboard's tables: figures only
    "officer.responses": STAFF,
    "officer.responses_csv": STAFF,
    "officer.response": STAFF,
    "officer.find_invitation": STAFF,
    "officer.enter_paper_or_in_person": STAFF,
    # -- Issue 7, follow-ups and safeguarding: add lines below this one --
    "officer.follow_ups": STAFF,
    "officer.follow_ups_csv": STAFF,
    "officer.follow_up": STAFF,
    "officer.follow_up_note": STAFF,
    "officer.safeguarding_alerts": STAFF,
    "officer.safeguarding_alert": STAFF,
    # -- Issue 8, representativeness: add lines below this one --
    "officer.representation_page": EVERY_ROLE,  # figures only: counts, shares and tests by group
    "officer.representation_csv": EVERY_ROLE,  # the same table as CSV
    # -- Issue 9, "You said, we did" and public results: add lines below this one --
    "public.entry": ANYONE,
    "public.feed": ANYONE,
    "public.results": ANYONE,
    "public.sitemap": ANYONE,
    "public.robots_txt": ANYONE,
    "officer.entries": STAFF,
    "officer.new_entry": STAFF,
    "officer.entry": STAFF,
    "officer.edit_entry": STAFF,
    "officer.preview_entry": STAFF,
    "officer.entry_history": STAFF,
    "officer.publish_entry": STAFF,
    "officer.withdraw_entry": STAFF,
    "officer.confirm_entry_words": STAFF,
    "officer.link_entry_response": STAFF,
    "officer.unlink_entry_response": STAFF,
    "officer.add_entry_quote": STAFF,
    "officer.remove_entry_quote": STAFF,
    "officer.response_to_entry": STAFF,
    # -- Issue 10, accounts, audit, security.txt: add lines below this one --
    "public.security_txt": ANYONE,
    "officer.two_factor": ANYONE,  # the view needs a password given in this session a moment ago
    "officer.two_factor_setup": ANYONE,  # likewise
    "officer.accept_invitation": TOKEN,  # the single-use invitation link
    "officer.session_ending": EVERY_ROLE,
    "officer.change_own_password": EVERY_ROLE,
    "officer.users": ADMIN,
    "officer.invite_user": ADMIN,
    "officer.user": ADMIN,
    "officer.user_action": ADMIN,
    "officer.audit": ADMIN,
    "officer.audit_csv": ADMIN,
    # -- end of the table --
}


def access_for(endpoint: str | None) -> str | frozenset[str] | None:
    """The table's decision for an endpoint; None when it has none (refused)."""
    return ACCESS.get(endpoint or "")


def may_see(endpoint: str, role: str) -> bool:
    """True when a signed-in user with `role` may open `endpoint` (for navigation and links)."""
    rule = access_for(endpoint)
    return rule in (ANYONE, TOKEN) or (isinstance(rule, frozenset) and role in rule)


def init_access(app: Flask) -> None:
    @app.before_request
    def check_access():
        if request.endpoint is None:  # no such page: the 404 handler answers
            return None
        rule = access_for(request.endpoint)
        if rule in (ANYONE, TOKEN):
            return None
        if rule is None:
            abort(403)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role.value not in rule:
            record_audit("forbidden", "endpoint", request.endpoint)
            db.session.commit()
            abort(403)
        return None
