"""Officer account pages: two-factor set-up, the session check run on every request and the warning before
a session ends, the officer's own password, accepting an invitation, user admin and the audit log.

May import: feedback.accounts, feedback.notify (the invitation email), models, the platform and the web layer.
"""
