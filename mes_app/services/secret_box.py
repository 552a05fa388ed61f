"""What protects second-factor secrets at rest (issue 15, item 3).

TOTP secrets are stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256, ``cryptography``);
recovery codes are stored as an HMAC-SHA256 keyed with the same key. The key never sits in
the database: it is ``MES_SECOND_FACTOR_KEY`` when set (a Fernet key), else the file
``<MES_DATA_DIR>/second_factor.key``, created on first use with mode 0600. A copy of the
database alone (a leaked backup, a SQL injection) therefore gives neither the secrets nor a
way to test guesses of the recovery codes. Backups must keep that file (or the variable) to
restore working second factors; without it, users fall back to their recovery codes... which
need it too, so an operator then turns the second factor off for them (issue 15).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from mes_app.settings import settings

KEY_FILE = "second_factor.key"


@lru_cache(maxsize=4)
def _key(configured: str, data_dir: str) -> bytes:
    if configured:
        return configured.encode("ascii")
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(Fernet.generate_key())
    return path.read_bytes().strip()


def key() -> bytes:
    return _key(settings.second_factor_key, str(settings.data_dir))


def encrypt(secret: str) -> str:
    return Fernet(key()).encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str | None:
    """The secret, or None when it was encrypted with another key (or tampered with)."""
    try:
        return Fernet(key()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None


def keyed_hash(value: str) -> str:
    return hmac.new(key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
