"""Mailbox passwords encrypted at rest with Fernet, under a key from the environment or data folder.

`KEEPWARM_SECRET_KEY_MAIL` holds one or more Fernet keys, comma-separated, newest first:
the first encrypts, every one decrypts, so a key can be rotated without losing passwords.
Without it a key is generated once into the data folder (`mail_key`, mode 0600).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored password was encrypted under a key Keepwarm no longer has."""


def _key_file() -> Path:
    return Path(settings.DATA_DIR) / "mail_key"


def _file_key() -> bytes:
    path = _key_file()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
    return path.read_bytes().strip()


def _fernet() -> MultiFernet:
    keys = [k.encode() for k in settings.MAIL_SECRET_KEYS] or [_file_key()]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError:
        raise ValueError(
            "KEEPWARM_SECRET_KEY_MAIL must hold Fernet keys (44 characters of URL-safe base64), "
            "comma-separated; make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


def encrypt(plain: str) -> str:
    """Return `plain` encrypted under the current key."""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """Return the text encrypted in `token` (SecretUnreadable when no key opens it)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "The saved password cannot be read with the current mail key "
            "(KEEPWARM_SECRET_KEY_MAIL or the data folder's mail_key changed). "
            "Type the password again."
        ) from None
