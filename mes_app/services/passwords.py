"""Password hashing with passlib's argon2 scheme (argon2id through argon2-cffi).

passlib's bcrypt backend breaks on bcrypt 5, so only argon2 is configured.
"""

from __future__ import annotations

from passlib.context import CryptContext

_context = CryptContext(schemes=["argon2"], deprecated="auto")

# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _context.hash("not-a-real-password-but-a-timing-equaliser")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password; with no hash, still spend the time of one verification."""
    if not password_hash:
        _context.verify(password, _DUMMY_HASH)
        return False
    try:
        return _context.verify(password, password_hash)
    except (ValueError, TypeError):
        return False
