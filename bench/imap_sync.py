"""Time mailbox syncs from a real Dovecot (first, again, renumbered) against ingestion alone."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import console, engine_version, migrate_if_needed, setup_django
from rich.table import Table


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000, help="messages in the inbox")
    return parser.parse_args(argv)


def raw_message(n: int) -> bytes:
    """A plain client email, every tenth a little multipart one."""
    body = f"Hello, could you look at the booking page again? Item {n}.\r\n" * 8
    head = (
        f"From: Person {n % 50} <person{n % 50}@client{n % 50}.example>\r\n"
        "To: studio@studio.example\r\n"
        f"Subject: Question {n}\r\n"
        f"Date: Tue, 01 Dec 2026 {9 + n % 8:02d}:{n % 60:02d}:00 +0000\r\n"
        f"Message-ID: <bench-{n}@client{n % 50}.example>\r\n"
    )
    if n % 10:
        return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()
    return (
        head + 'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\n" + body + "--b\r\nContent-Type: text/html\r\n\r\n"
        "<p>" + body + "</p>\r\n--b--\r\n"
    ).encode()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("KEEPWARM_DATA_DIR", tempfile.mkdtemp(prefix="kw-bench-imap-"))
    setup_django()
    migrate_if_needed()
    from keepwarm.accounts.models import Membership, Role, User, Workspace
    from keepwarm.clients.models import Client, Contact
    from keepwarm.mail.ingest import ingest_messages
    from keepwarm.mailboxes import services
    from keepwarm.mailboxes.models import MailboxSettings
    from keepwarm.mailboxes.sync import mailbox_sync
    from keepwarm.mailboxes.testing import running_dovecot

    stamp = int(time.time())
    owner = User.objects.create_user(f"bench-imap-{stamp}@example.invalid", "x")

    def workspace(name: str) -> Workspace:
        ws = Workspace.objects.create(name=f"{name} {stamp}")
        for n in range(50):
            client = Client.objects.create(workspace=ws, name=f"Client {n}")
            Contact.objects.create(
                workspace=ws,
                client=client,
                name=f"Person {n}",
                email=f"person{n}@client{n}.example",
            )
        return ws

    ws = workspace("IMAP bench")
    floor_ws = workspace("IMAP bench floor")
    membership = Membership.objects.create(user=owner, workspace=ws, role=Role.OWNER)
    MailboxSettings.objects.create(workspace=ws, allow_private_hosts=True)
    raws = [raw_message(n) for n in range(args.messages)]
    with running_dovecot() as dovecot:
        user = dovecot.new_user()
        with (
            console.status(f"Appending {args.messages:,} messages to Dovecot"),
            dovecot.connect(user) as client,
        ):
            for raw in raws:
                client.append("INBOX", raw)
        account = services.mailbox_create(
            membership=membership, name="Bench", host=dovecot.host, port=dovecot.port,
            security="none", username=user.name, password=user.password,
            inbound_folders=["INBOX"], sent_folders=[], our_addresses=["studio@studio.example"],
        )  # fmt: skip
        timings = []
        for label in ("first sync", "second sync, nothing new"):
            start = time.perf_counter()
            run = mailbox_sync(account=account)
            timings.append((label, time.perf_counter() - start, run))
        dovecot.set_uid_validity(user, "INBOX", 4242)
        start = time.perf_counter()
        run = mailbox_sync(account=account)
        timings.append(("after a UIDVALIDITY change", time.perf_counter() - start, run))
    start = time.perf_counter()
    outcomes = list(
        ingest_messages(workspace=floor_ws, raws=raws, our_addresses=["studio@studio.example"])
    )
    floor_seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor, version = engine_version()
    table = Table(title=f"IMAP sync of {args.messages:,} messages ({vendor} {version})")
    for column in ("run", "seconds", "msg/s", "imported", "already here", "x floor"):
        table.add_column(column, justify="right")
    for label, seconds, run in timings:
        assert not run.error, run.error
        table.add_row(
            label, f"{seconds:.2f}", f"{args.messages / seconds:,.0f}", f"{run.imported:,}",
            f"{run.duplicates:,}", f"{seconds / floor_seconds:.2f}x",
        )  # fmt: skip
    imported = sum(1 for o in outcomes if o.status == "imported")
    table.add_row(
        "floor: ingest_messages on the same bytes", f"{floor_seconds:.2f}",
        f"{args.messages / floor_seconds:,.0f}", f"{imported:,}", "", "1.00x",
    )  # fmt: skip
    console.print(table)
    console.print(
        f"Peak memory {peak_mb:.0f} MB. Load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores."
    )


if __name__ == "__main__":
    main()
