"""Secrets of links opened without an account (share links, the emergency card).

A link carries a random secret of 256 bits; the database keeps only its SHA-256, so a copy
of the database does not open any link. Guessing one is infeasible.
"""

from __future__ import annotations

import hashlib
import secrets

SECRET_BYTES = 32  # 256 bits
MAX_SECRET_LENGTH = 100  # longer input is not one of ours: refuse before hashing


def new_link_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_link_secret(secret: object) -> str | None:
    """The stored form of a secret, or None for anything that cannot be one of ours."""
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    return hash_new_link_secret(secret)


def hash_new_link_secret(secret: str) -> str:
    """The stored form of a secret just made by :func:`new_link_secret`."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
