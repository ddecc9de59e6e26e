"""What a password must be: at least 12 characters, not common or guessable (zxcvbn), and not built from
the officer's own name or email address. Hashing stays in feedback.core.passwords (argon2id)."""

from __future__ import annotations

import re

MIN_LENGTH = 12
MAX_LENGTH = 200  # argon2 would take anything; a limit keeps a pasted essay from costing time
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash scenario"


def _own_words(name: str, email: str) -> list[str]:
    local, _, domain = email.lower().partition("@")
    words = re.split(r"[^a-z0-9]+", f"{name.lower()} {local} {domain.split('.')[0]}")
    return [w for w in words if len(w) >= 3]


def password_problems(password: str, *, name: str, email: str) -> list[str]:
    """Plain-English reasons the password is refused; empty when it is fine."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be {MIN_LENGTH} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    lowered = password.lower()
    own = _own_words(name, email)
    if email.lower() in lowered or any(word in lowered for word in own if len(word) >= 4):
        return ["Password must not contain your name or email address"]
    from zxcvbn import zxcvbn  # imported when needed: it loads large word lists

    result = zxcvbn(password[:100], user_inputs=[name, email, *own])
    if result["score"] < MIN_SCORE:
        hint = (result.get("feedback") or {}).get("warning") or "it is too easy to guess"
        return [f"Choose a password that is harder to guess: {hint.rstrip('.').lower()}. Try 3 or 4 random words"]
    return []
