from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import SimpleTestCase, TestCase

from keepwarm.settings import envbool, envint, envlist

SRC = str(Path(__file__).resolve().parents[3])


def clean_env(data_dir: str | Path, **extra: str) -> dict[str, str]:
    """Return an environment with no Keepwarm or Django settings but a data folder and `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KEEPWARM_", "DJANGO_"))
    }
    env.update(
        KEEPWARM_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="keepwarm.settings",
        PYTHONPATH=SRC,
        **extra,
    )
    return env


def run_python(code: str, env: dict[str, str]) -> str:
    """Run Python code in a fresh interpreter and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def settings_as_json(env: dict[str, str], *names: str) -> dict[str, object]:
    """Import keepwarm.settings in a fresh interpreter and return some of its values."""
    code = (
        "import json, keepwarm.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    return json.loads(run_python(code, env))


class EnvHelpersTests(SimpleTestCase):
    def setUp(self) -> None:
        self.monkeypatch = pytest.MonkeyPatch()
        self.addCleanup(self.monkeypatch.undo)

    def test_it_reads_booleans(self) -> None:
        for raw, expected in [("1", True), ("TRUE", True), ("on", True), ("no", False)]:
            self.monkeypatch.setenv("KW_TEST_BOOL", raw)
            self.assertIs(envbool("KW_TEST_BOOL", not expected), expected)
        self.monkeypatch.setenv("KW_TEST_BOOL", "")
        self.assertIs(envbool("KW_TEST_BOOL", True), True)

    def test_it_refuses_a_garbage_boolean(self) -> None:
        self.monkeypatch.setenv("KW_TEST_BOOL", "maybe")
        with self.assertRaisesMessage(ValueError, "KW_TEST_BOOL must be true or false"):
            envbool("KW_TEST_BOOL", False)

    def test_it_refuses_a_garbage_number(self) -> None:
        self.monkeypatch.setenv("KW_TEST_INT", "ten")
        with self.assertRaisesMessage(ValueError, "KW_TEST_INT must be a whole number"):
            envint("KW_TEST_INT", 1)

    def test_it_splits_lists(self) -> None:
        self.monkeypatch.setenv("KW_TEST_LIST", " a.example , b.example,, ")
        self.assertEqual(envlist("KW_TEST_LIST", []), ["a.example", "b.example"])

    def test_it_stops_at_startup_on_a_garbage_setting(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            env = clean_env(data_dir, KEEPWARM_HTTPS="sometimes")
            result = subprocess.run(
                [sys.executable, "-c", "import keepwarm.settings"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("KEEPWARM_HTTPS must be true or false, not 'sometimes'", result.stderr)


class DefaultSettingsTests(SimpleTestCase):
    def test_it_runs_on_sqlite_in_wal_mode_with_immediate_transactions(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            env = clean_env(data_dir)
            out = run_python(
                "import django; django.setup(); "
                "from django.conf import settings; from django.db import connection; "
                "c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
                "print(settings.DATABASES['default']['ENGINE']); "
                "print(settings.DATABASES['default']['NAME']); "
                "print(settings.DATABASES['default']['OPTIONS']['transaction_mode']); "
                "print(c.fetchone()[0])",
                env,
            )
            engine, name, mode, journal = out.splitlines()
            self.assertEqual(engine, "django.db.backends.sqlite3")
            self.assertEqual(Path(name), Path(data_dir) / "keepwarm.sqlite3")
            self.assertEqual(mode, "IMMEDIATE")
            self.assertEqual(journal, "wal")

    def test_it_makes_a_secret_key_once_and_reuses_it(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            env = clean_env(data_dir)
            code = "import keepwarm.settings as s; print(s.SECRET_KEY)"
            first = run_python(code, env)
            second = run_python(code, env)
            key_file = Path(data_dir) / "secret_key"
            self.assertEqual(first, second)
            self.assertGreaterEqual(len(first), 50)
            self.assertEqual(key_file.read_text().strip(), first)
            self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)

    def test_it_prefers_a_secret_key_from_the_environment(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            key = secrets.token_urlsafe(40)
            env = clean_env(data_dir, KEEPWARM_SECRET_KEY=key)
            values = settings_as_json(env, "SECRET_KEY")
            self.assertEqual(values["SECRET_KEY"], key)
            self.assertFalse((Path(data_dir) / "secret_key").exists())

    def test_it_switches_to_postgresql_with_a_database_url(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            env = clean_env(
                data_dir, KEEPWARM_DATABASE_URL="postgres://kw:pw@db.example.com:5433/keepwarm"
            )
            databases = settings_as_json(env, "DATABASES")["DATABASES"]
        assert isinstance(databases, dict)
        default = databases["default"]
        self.assertEqual(default["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(default["NAME"], "keepwarm")
        self.assertEqual(default["HOST"], "db.example.com")
        self.assertEqual(default["PORT"], 5433)

    def test_it_serves_hashed_compressed_static_files_in_production(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            values = settings_as_json(clean_env(data_dir), "STORAGES", "STATIC_ROOT")
        storages = values["STORAGES"]
        assert isinstance(storages, dict)
        self.assertEqual(
            storages["staticfiles"]["BACKEND"],
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
        self.assertEqual(Path(str(values["STATIC_ROOT"])), Path(data_dir) / "static")
        self.assertIn("whitenoise.middleware.WhiteNoiseMiddleware", settings.MIDDLEWARE)

    def test_it_uses_plain_static_storage_in_tests(self) -> None:
        self.assertEqual(
            settings.STORAGES["staticfiles"]["BACKEND"],
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )


class TestDatabaseTests(TestCase):
    def test_it_uses_wal_on_the_test_database_when_on_sqlite(self) -> None:
        wrapper = connections["default"]
        if not isinstance(wrapper, SQLiteWrapper):
            self.skipTest("the suite is running on PostgreSQL")
        options = settings.DATABASES["default"]["OPTIONS"]
        self.assertEqual(options["transaction_mode"], "IMMEDIATE")
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
        # An in-memory test database cannot use WAL; a file one must.
        self.assertEqual(journal, "memory" if wrapper.is_in_memory_db() else "wal")


def check_deploy(**extra: str) -> subprocess.CompletedProcess[str]:
    """Run `keepwarm check --deploy --fail-level WARNING` with production settings."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = clean_env(
            data_dir,
            KEEPWARM_HTTPS="true",
            KEEPWARM_SECRET_KEY=secrets.token_urlsafe(64)[:50],
            KEEPWARM_ALLOWED_HOSTS="crm.example.com",
            **extra,
        )
        return subprocess.run(
            [sys.executable, "-m", "keepwarm", "check", "--deploy", "--fail-level", "WARNING"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )


class DeploySettingsTests(SimpleTestCase):
    def test_it_passes_check_deploy_without_warnings(self) -> None:
        result = check_deploy(KEEPWARM_EMAIL_HOST="smtp.example.com")
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("System check identified no issues", result.stdout)

    def test_it_warns_a_deployment_that_cannot_send_email(self) -> None:
        # Invitations and password resets need real mail; the console backend only prints.
        result = check_deploy()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("mail.E001", result.stderr)
        self.assertIn("System check identified 1 issue", result.stderr)

    def test_it_turns_on_https_protections_when_asked(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            env = clean_env(data_dir, KEEPWARM_HTTPS="true")
            values = settings_as_json(
                env,
                "SESSION_COOKIE_SECURE",
                "CSRF_COOKIE_SECURE",
                "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS",
                "SECURE_REDIRECT_EXEMPT",
                "DEBUG",
            )
        self.assertEqual(
            values,
            {
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000,
                "SECURE_REDIRECT_EXEMPT": ["^healthz$"],
                "DEBUG": False,
            },
        )
