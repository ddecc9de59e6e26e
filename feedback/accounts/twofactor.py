"""Two-factor sign-in: a TOTP secret per officer (RFC 6238, 30-second steps), each code accepted once, and
ten single-use recovery codes stored as SHA-256 (they are random, 50 bits each: a slow hash adds nothing)."""

from __future__ import annotations

import secrets

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, or_, select, update

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.core.tokens import hash_token
from feedback.models import RecoveryCode, User

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


def new_secret(user: User) -> str:
    """Starts (or restarts) set-up: a fresh secret, not yet confirmed."""
    user.mfa_secret = pyotp.random_base32()
    user.mfa_confirmed_at = None
    user.mfa_last_step = None
    return user.mfa_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, drawn here: no image is fetched from anywhere else."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title="QR code")


def grouped(secret: str) -> str:
    """The key in groups of four, for people who type it instead of scanning."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _step(moment=None) -> int:
    return int((moment or now()).timestamp()) // 30


def verify_code(user: User, code: str) -> bool:
    """True for a code from the current step or one either side (clock drift) that is later than the last
    one accepted; records the step so the same code cannot be used again. The caller commits."""
    code = "".join(code.split())
    if not user.mfa_secret or not code.isdigit() or len(code) != 6:
        return False
    totp, current = pyotp.TOTP(user.mfa_secret), _step()
    for step in (current - 1, current, current + 1):
        if user.mfa_last_step is not None and step <= user.mfa_last_step:
            continue
        if secrets.compare_digest(totp.at(step * 30), code):
            # Claimed in one statement, so two requests racing with the same code cannot both win.
            claimed = db.session.execute(
                update(User)
                .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
                .values(mfa_last_step=step)
                .execution_options(synchronize_session=False)
            ).rowcount
            db.session.refresh(user, ["mfa_last_step"])
            return claimed == 1
    return False


def confirm(user: User, code: str) -> list[str] | None:
    """Finishes set-up when `code` is right: returns ten new recovery codes (shown once), else None."""
    if not verify_code(user, code):
        return None
    user.mfa_confirmed_at = now()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(code)))
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """True once for each recovery code; the caller commits."""
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    if len(cleaned) != 10:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    return used == 1


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def reset(user: User) -> None:
    """An admin's reset: the officer sets up two-factor sign-in again at their next sign-in."""
    user.mfa_secret = None
    user.mfa_confirmed_at = None
    user.mfa_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def is_set_up(user: User) -> bool:
    return bool(user.mfa_secret and user.mfa_confirmed_at)
