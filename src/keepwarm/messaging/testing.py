"""Test helpers for email: a real SMTP server on 127.0.0.1, and settings that send to it.

Use the `smtp_server` pytest fixture (registered in keepwarm/conftest.py), or start an
`SmtpServer` yourself in a TestCase. Nothing here imports models, so conftest can import it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def message(self) -> Message:
        """Return the message parsed."""
        return message_from_bytes(self.content)

    @property
    def message_id(self) -> str:
        return str(self.message()["Message-ID"] or "")


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every message it accepts.

    Set `reply` to an SMTP answer such as "451 4.3.0 Try again later" to refuse messages
    instead, and `delay` (seconds) to answer DATA slowly.
    """

    reply: str = "250 Message accepted for delivery"
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    data_started: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self.reply.startswith("250"):
            return self.reply
        content = envelope.original_content or envelope.content
        with self.lock:
            self.received.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=list(envelope.rcpt_tos),
                    content=bytes(content),
                )
            )
        return self.reply


class SmtpServer:
    """aiosmtpd listening on 127.0.0.1 on a free port, in a thread of this process."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)

    def start(self) -> SmtpServer:
        """Start listening."""
        # aiosmtpd logs every command at INFO; a thousand messages drown the test's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self) -> Counter[str]:
        """Return how many times the server accepted each Message-ID."""
        return Counter(item.message_id for item in self.received)

    def mailers(self) -> dict[str, Any]:
        """Return a MAILERS setting that sends to this server (for override_settings)."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": self.host,
                    "port": self.port,
                    "use_tls": False,
                    "use_ssl": False,
                    "timeout": 10,
                },
            }
        }

    def env(self) -> dict[str, str]:
        """Return the environment that points a `keepwarm` process at this server."""
        return {
            "KEEPWARM_EMAIL_HOST": self.host,
            "KEEPWARM_EMAIL_PORT": str(self.port),
            "KEEPWARM_EMAIL_USE_TLS": "false",
            "KEEPWARM_EMAIL_USE_SSL": "false",
        }


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that records what it accepts."""
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:  # pragma: no cover - the test extra installs it
        if os.environ.get("CI") == "true":
            pytest.fail("aiosmtpd is required under CI: pip install -e .[test]")
        pytest.skip("aiosmtpd is not installed (pip install -e .[test])")
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


# `keepwarm worker` in a subprocess, against the test database ------------------------------


class WorkerDatabase:
    """Shares the test database with `keepwarm worker` subprocesses.

    Needs committed data (pytest-django's `transactional_db`). PostgreSQL: the subprocesses
    use the test database itself. SQLite (in memory under test): call `share()` after creating
    the rows to copy the database to a file the subprocesses use; read the results back with
    `rows()`, which reads that file.
    """

    def __init__(self, directory: Path) -> None:
        from django.db import connection

        self.directory = directory
        self.connection = connection
        self.vendor = connection.vendor
        self.path = directory / "keepwarm.sqlite3"

    def env(self) -> dict[str, str]:
        """Return the environment that points a `keepwarm` process at this database."""
        if self.vendor == "postgresql":
            db = self.connection.settings_dict
            auth = quote(str(db["USER"] or ""))
            if db.get("PASSWORD"):
                auth += ":" + quote(str(db["PASSWORD"]))
            host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            return {"KEEPWARM_DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}"}
        if self.vendor == "sqlite":
            return {"KEEPWARM_DATA_DIR": str(self.directory), "KEEPWARM_DATABASE_URL": ""}
        raise RuntimeError(f"Worker tests run on SQLite or PostgreSQL, not {self.vendor}.")

    def share(self) -> None:
        """Copy an in-memory SQLite test database to the file the subprocesses use."""
        if self.vendor != "sqlite":
            return
        import sqlite3

        self.connection.ensure_connection()
        target = sqlite3.connect(self.path)
        try:
            self.connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Return the rows of a read-only SQL query, as the subprocesses left them."""
        if self.vendor == "sqlite":
            import sqlite3

            with closing(sqlite3.connect(self.path, timeout=30)) as db:
                return db.execute(sql).fetchall()
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())


def spawn_worker(
    env: dict[str, str], *args: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `keepwarm worker` with extra environment `env`; its output goes to `log`."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keepwarm.settings",
        "KEEPWARM_SECRET_KEY": "worker-tests-only",
        "KEEPWARM_TASKS_INLINE": "false",
        "KEEPWARM_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    if not full_env.get("KEEPWARM_DATABASE_URL"):
        full_env.pop("KEEPWARM_DATABASE_URL", None)
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "keepwarm", "worker", *args],
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    finally:
        if log:
            output.close()  # type: ignore[union-attr]


def wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.05) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
