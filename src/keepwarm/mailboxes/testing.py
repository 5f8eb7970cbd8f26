"""A throwaway Dovecot IMAP server for tests, on a free 127.0.0.1 port.

`dovecot_server` (session-scoped) starts one Dovecot per test run; each test takes a fresh
mail user from it with `new_user()`, so tests never see each other's messages. Without
Dovecot installed the tests that need it are skipped, except under CI=true where they fail.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
MAIL_UID = 65534  # Dovecot refuses mail users with uid 0.
# Users are written once before the server starts: Dovecot notices a changed passwd file
# by its modification time, in whole seconds, so users added while it runs may be missed.
USERS = 300

CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = kw-dovecot-{port}
protocols = imap
listen = 127.0.0.1
log_path = {dir}/dovecot.log
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
}}
mail_location = maildir:{dir}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Archive {{
    auto = create
  }}
}}
# Without the penalty socket the auth process adds no growing delay after failed logins.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
{login_chroot}}}
{non_root}"""

NON_ROOT = """\
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class MailUser:
    """One mailbox on the test server."""

    name: str
    password: str
    email: str


@dataclass
class Dovecot:
    """A running throwaway Dovecot: its folder, port and config."""

    dir: Path
    port: int
    tls_port: int
    host: str = "127.0.0.1"
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def config(self) -> Path:
        return self.dir / "dovecot.conf"

    @property
    def ca_file(self) -> Path:
        """The PEM file that makes the server's certificate (for TLS_HOST) trusted."""
        return self.dir / "cert.pem"

    def new_user(self) -> MailUser:
        """Return a mail user nobody has used yet, with an empty mailbox."""
        n = next(self._ids)
        if n > USERS:
            raise RuntimeError(f"The test Dovecot has only {USERS} users; raise USERS.")
        return MailUser(name=f"user{n}", password=f"secret{n}", email=f"user{n}@mail.example")

    def connect(self, user: MailUser) -> IMAPClient:
        """Return a logged-in IMAP connection as `user`."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user.name, user.password)
        return client

    def append(
        self, user: MailUser, raw: bytes, *, folder: str = "INBOX", flags: tuple[bytes, ...] = ()
    ) -> None:
        """Deliver one raw message into `user`'s folder (IMAP APPEND)."""
        with self.connect(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=flags)

    def set_uid_validity(self, user: MailUser, folder: str, value: int) -> None:
        """Change a folder's UIDVALIDITY, as a server does after rebuilding its index."""
        subprocess.run(  # noqa: S603 (a fixed binary and our own config)
            [DOVEADM, "-c", str(self.config), "mailbox", "update", "-u", user.name,
             "--uid-validity", str(value), folder],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip


# The name the test server's certificate is for; it exists in no DNS, so a test that
# reaches the server by it proves the connection went to the pinned address.
TLS_HOST = "imap.keepwarm-test.invalid"


def _write_certificate(base: Path) -> None:
    """Write a self-signed certificate for TLS_HOST (cert.pem is also the CA to trust)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, TLS_HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(TLS_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (base / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file = base / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("Dovecot did not start listening within 15 s.")


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """Start a throwaway Dovecot for the test session, or skip (fail under CI) without one."""
    if not (os.path.exists(DOVECOT) and os.path.exists(DOVEADM)):
        reason = "Dovecot is not installed: apt-get install dovecot-imapd (./dev test does it)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} The IMAP tests must run under CI.")
        pytest.skip(reason)
    with running_dovecot() as server:
        yield server


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Run a throwaway Dovecot on free 127.0.0.1 ports until the block ends."""
    # Unix socket paths must stay short: pytest's tmp_path can be too long for Dovecot.
    base = Path(tempfile.mkdtemp(prefix="kwd", dir="/tmp"))
    os.chmod(base, 0o755)  # noqa: S103 (the mail user must reach its home)
    (base / "mail").mkdir()
    os.chmod(base / "mail", 0o755)  # noqa: S103
    uid = MAIL_UID if os.getuid() == 0 else os.getuid()
    gid = MAIL_UID if os.getuid() == 0 else os.getgid()
    lines = []
    for n in range(1, USERS + 1):
        home = base / "mail" / f"user{n}"
        home.mkdir()
        if os.getuid() == 0:
            os.chown(home, uid, gid)
        lines.append(f"user{n}:{{PLAIN}}secret{n}:{uid}:{gid}::{home}\n")
    (base / "passwd").write_text("".join(lines))
    port = _free_port()
    tls_port = _free_port()
    _write_certificate(base)
    root = os.getuid() == 0
    import grp
    import pwd

    non_root = (
        ""
        if root
        else NON_ROOT.format(
            user=pwd.getpwuid(os.getuid()).pw_name, group=grp.getgrgid(os.getgid()).gr_name
        )
    )
    config = CONFIG.format(
        dir=base,
        port=port,
        tls_port=tls_port,
        non_root=non_root,
        login_chroot="" if root else "  chroot =\n",
    )
    server = Dovecot(dir=base, port=port, tls_port=tls_port)
    server.config.write_text(config)
    process = subprocess.Popen(  # noqa: S603 (a fixed binary and our own config)
        [DOVECOT, "-F", "-c", str(server.config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, base / "dovecot.log")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)
