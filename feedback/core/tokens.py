"""Survey link tokens and API tokens.

A survey token is HMAC-SHA256(SECRET_KEY, invitation.public_id): 32 bytes, URL-safe base64. The
database keeps only SHA-256(token), so a copy of the database cannot open anyone's survey, while
reminders can rebuild the same link. Rotating SECRET_KEY invalidates every open link.
"""

import base64
import hashlib
import hmac
import secrets


def survey_token(secret_key: str, public_id: str) -> str:
    digest = hmac.new(secret_key.encode(), f"survey-link:{public_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
