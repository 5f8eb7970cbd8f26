from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from django.test import SimpleTestCase, override_settings

from keepwarm.mailboxes import crypto


class CryptoTests(SimpleTestCase):
    def test_it_makes_a_key_once_in_the_data_folder(self) -> None:
        with (
            tempfile.TemporaryDirectory() as folder,
            override_settings(DATA_DIR=Path(folder), MAIL_SECRET_KEYS=[]),
        ):
            token = crypto.encrypt("app-password")
            key_file = Path(folder) / "mail_key"
            self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)
            key = key_file.read_bytes()
            self.assertEqual(crypto.decrypt(token), "app-password")
            self.assertEqual(key_file.read_bytes(), key)

    def test_it_reads_old_passwords_after_a_key_rotation(self) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with override_settings(MAIL_SECRET_KEYS=[old]):
            token = crypto.encrypt("app-password")
        with override_settings(MAIL_SECRET_KEYS=[new, old]):
            self.assertEqual(crypto.decrypt(token), "app-password")
        with (
            override_settings(MAIL_SECRET_KEYS=[new]),
            self.assertRaisesMessage(crypto.SecretUnreadable, "Type the password again"),
        ):
            crypto.decrypt(token)

    def test_it_explains_a_malformed_key(self) -> None:
        with (
            override_settings(MAIL_SECRET_KEYS=["not-a-key"]),
            self.assertRaisesMessage(ValueError, "KEEPWARM_SECRET_KEY_MAIL must hold Fernet keys"),
        ):
            crypto.encrypt("x")
