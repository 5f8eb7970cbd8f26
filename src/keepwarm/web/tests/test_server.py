from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase

from keepwarm.web.server import _bind_address, pending_migrations
from keepwarm.web.tests.test_settings import clean_env

STARTUP_TIMEOUT = 60


def free_port() -> int:
    """Return a TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a URL without following redirects; return status, headers and body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def running_server(data_dir: str, port: int) -> Iterator[list[str]]:
    """Run `keepwarm serve` until the block ends; yield the lines it has printed so far."""
    env = clean_env(data_dir, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "keepwarm", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=STARTUP_TIMEOUT)
            if not line:
                raise AssertionError("keepwarm serve stopped:\n" + "".join(seen))
            seen.append(line)
            if "Listening at:" in line:
                break
        yield seen
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class ServeTests(SimpleTestCase):
    def test_it_serves_pages_health_and_static_files_with_gunicorn(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            subprocess.run(
                [sys.executable, "-m", "keepwarm", "migrate", "-v", "0"],
                env=clean_env(data_dir),
                check=True,
                capture_output=True,
            )
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with running_server(data_dir, port) as output:
                status, _, body = fetch(f"{base}/healthz")
                self.assertEqual((status, body), (200, b"ok"))

                manifest = json.loads((Path(data_dir) / "static" / "staticfiles.json").read_text())
                hashed = manifest["paths"]["keepwarm/keepwarm.css"]
                status, headers, body = fetch(f"{base}/static/{hashed}")
                self.assertEqual(status, 200)
                self.assertIn(b"--space-4", body)
                self.assertIn("immutable", headers["Cache-Control"])

                status, headers, _ = fetch(f"{base}/")
                self.assertEqual(status, 302)
                self.assertEqual(headers["Location"], "/welcome/")

            printed = "".join(output)
            self.assertIn(f"Keepwarm is running at {base}/", printed)

    def test_it_refuses_to_serve_an_unmigrated_database(self) -> None:
        with tempfile.TemporaryDirectory() as data_dir:
            result = subprocess.run(
                [sys.executable, "-m", "keepwarm", "serve", "--port", str(free_port())],
                env=clean_env(data_dir),
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("run `keepwarm migrate`", result.stderr)
        self.assertNotIn("Listening at", result.stdout + result.stderr)

    def test_it_refuses_a_bad_port_or_worker_count(self) -> None:
        with self.assertRaisesMessage(CommandError, "0 is not between 1 and 65535"):
            call_command("serve", "--port", "0")
        with self.assertRaisesMessage(CommandError, "'many' is not a whole number"):
            call_command("serve", "--workers", "many")

    def test_it_brackets_ipv6_addresses(self) -> None:
        self.assertEqual(_bind_address("::1", 8000), "[::1]:8000")
        self.assertEqual(_bind_address("0.0.0.0", 80), "0.0.0.0:80")


class PendingMigrationsTests(TestCase):
    def test_it_finds_none_on_a_migrated_database(self) -> None:
        self.assertEqual(pending_migrations(), [])
