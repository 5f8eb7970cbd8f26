"""Time `keepwarm import csv` (first import, re-import, dry run) against a bulk-insert floor."""

from __future__ import annotations

import argparse
import csv
import os
import random
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
    parser.add_argument("--rows", type=int, default=5000, help="people rows in the file")
    parser.add_argument("--per-client", type=int, default=2, help="people per client")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def write_file(path: Path, rows: int, per_client: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Company", "Status", "Name", "E-mail", "Phone", "Job title", "Notes"])
        for n in range(rows):
            client = n // per_client
            writer.writerow([
                f"Client {client:06d}", ("Active", "Prospect", "Paused")[client % 3],
                f"Person {n:06d}", f"person{n}@client{client}.example",
                f"+1 555 {rng.randrange(10**6):06d}", rng.choice(["Owner", "Manager", ""]),
                rng.choice(["", "Prefers mornings", "Call, don't email"]),
            ])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("KEEPWARM_DATA_DIR", tempfile.mkdtemp(prefix="kw-bench-csv-"))
    setup_django()
    migrate_if_needed()
    from django.db import transaction

    from keepwarm.accounts.models import Membership, Role, User, Workspace
    from keepwarm.clients.models import Client, Contact
    from keepwarm.transfer.csvimport import csv_import, csv_open
    from keepwarm.transfer.fields import guess_mapping

    stamp = int(time.time())
    owner = User.objects.create_user(f"bench-csv-{stamp}@example.invalid", "x")
    workspace = Workspace.objects.create(name=f"CSV bench {stamp}")
    membership = Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    floor_ws = Workspace.objects.create(name=f"CSV bench floor {stamp}")
    path = Path(tempfile.mkdtemp()) / "people.csv"
    write_file(path, args.rows, args.per_client, args.seed)

    def run(dry_run: bool) -> tuple[float, object]:
        with path.open("rb") as stream:
            opened = csv_open(stream)
            start = time.perf_counter()
            result = csv_import(
                membership=membership,
                rows=opened.rows,
                mapping=guess_mapping(opened.headers),
                headers=opened.headers,
                dry_run=dry_run,
            )
            return time.perf_counter() - start, result

    def floor() -> float:
        start = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as text, transaction.atomic():
            reader = csv.reader(text)
            next(reader)
            clients: dict[str, Client] = {}
            people = []
            for company, status, name, email, phone, role, notes in reader:
                if company not in clients:
                    clients[company] = Client(
                        workspace=floor_ws, name=company, status=status.lower()
                    )
                people.append((company, name, email, phone, role, notes))
            Client.objects.bulk_create(clients.values(), batch_size=1000)
            Contact.objects.bulk_create(
                [
                    Contact(workspace=floor_ws, client=clients[c], name=n, email=e, phone=p,
                            role=r, notes=t)
                    for c, n, e, p, r, t in people
                ],
                batch_size=1000,
            )  # fmt: skip
        return time.perf_counter() - start

    dry_seconds, _ = run(True)
    first_seconds, first = run(False)
    again_seconds, again = run(False)
    floor_seconds = floor()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor, version = engine_version()
    table = Table(title=f"CSV import of {args.rows:,} people rows ({vendor} {version})")
    for column in ("run", "seconds", "rows/s", "x floor"):
        table.add_column(column, justify="right")
    for label, seconds in (
        ("dry run (empty workspace)", dry_seconds),
        ("first import", first_seconds),
        ("re-import, all unchanged", again_seconds),
        ("floor: csv + bulk_create", floor_seconds),
    ):
        table.add_row(
            label,
            f"{seconds:.2f}",
            f"{args.rows / seconds:,.0f}",
            f"{seconds / floor_seconds:.1f}x",
        )
    console.print(table)
    console.print(
        f"first import: {first.count('client', 'created'):,} clients and "  # type: ignore[attr-defined]
        f"{first.count('contact', 'created'):,} people created; re-import: "  # type: ignore[attr-defined]
        f"{again.count('contact', 'unchanged'):,} people unchanged. "  # type: ignore[attr-defined]
        f"Peak memory {peak_mb:.0f} MB. Load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
