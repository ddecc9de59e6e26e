"""Notify: the one wrapper around GOV.UK Notify's client, the message wording and personalisation, and
the outbox used when no API key is set. It knows nothing of chase rules.

May import: surveys (to build survey and stop links), models and platform modules. Never the web layer,
chasing, or Flask's request and session.
"""
