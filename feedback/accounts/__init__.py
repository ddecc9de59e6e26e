"""Officer accounts fit for special category data: two-factor sign-in (TOTP and recovery codes), sessions
that really end, the password policy, the growing delay after failed sign-ins, invitations, user
administration, the readable audit log, and retention, erasure and subject access for families' data.

May import: models and the platform (`feedback.core`) only, so that every other package may use it. Knows
nothing of requests: the web layer hands it addresses, tokens and the signed-in user.
"""
