"""Time one client's meeting-prep brief with a long history and a big resource library.

The floor is the very SQL the brief runs, replayed through a bare cursor in the same run:
what is left above it is the ORM and the assembling in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
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
    parser.add_argument("--interactions", type=int, default=5000, help="on the one client")
    parser.add_argument("--facts", type=int, default=200, help="personal facts, over 10 people")
    parser.add_argument("--promises", type=int, default=300, help="open promises")
    parser.add_argument("--resources", type=int, default=2000, help="in the library")
    parser.add_argument("--runs", type=int, default=20)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("KEEPWARM_DATA_DIR", tempfile.mkdtemp(prefix="kw-bench-brief-"))
    setup_django()
    migrate_if_needed()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from keepwarm.accounts.models import Workspace
    from keepwarm.brief.selectors import brief_for
    from keepwarm.clients.models import (
        Client,
        Contact,
        Goal,
        ImportantDate,
        PersonalFact,
        Resource,
        ResourceTag,
    )
    from keepwarm.commitments.models import Commitment
    from keepwarm.interactions.models import Interaction

    now = timezone.now()
    today = now.date()
    ws = Workspace.objects.create(name=f"Brief bench {int(time.time())}")
    client = Client.objects.create(workspace=ws, name="Harbor Dental", industry="Dental practice")
    Goal.objects.create(workspace=ws, client=client, text="More online reviews", priority=1)
    people = Contact.objects.bulk_create(
        Contact(workspace=ws, client=client, name=f"Person {n}") for n in range(10)
    )
    PersonalFact.objects.bulk_create(
        PersonalFact(
            workspace=ws,
            contact=people[n % 10],
            category="family",
            text=f"Fact {n}",
            follow_up_on=today + dt.timedelta(days=n % 40 - 10),
        )
        for n in range(args.facts)
    )
    ImportantDate.objects.bulk_create(
        ImportantDate(workspace=ws, contact=p, kind="birthday", date=dt.date(1980, 1 + n, 5))
        for n, p in enumerate(people)
    )
    Interaction.objects.bulk_create(
        Interaction(
            workspace=ws,
            client=client,
            channel="meeting" if n % 50 == 0 else "email",
            direction="outbound" if n % 2 else "inbound",
            occurred_at=now - dt.timedelta(hours=n),
            subject=f"Message {n}",
        )
        for n in range(args.interactions)
    )
    Commitment.objects.bulk_create(
        Commitment(
            workspace=ws, client=client, what=f"Promise {n}", due_on=today + dt.timedelta(days=n)
        )
        for n in range(args.promises)
    )
    resources = Resource.objects.bulk_create(
        Resource(workspace=ws, title=f"Resource {n}", note="x") for n in range(args.resources)
    )
    # One in a hundred fits the client; the rest are for other trades.
    ResourceTag.objects.bulk_create(
        ResourceTag(
            workspace=ws,
            resource=r,
            kind="industry",
            name="dental" if n % 100 == 0 else f"trade {n % 37}",
        )
        for n, r in enumerate(resources)
    )

    def timed(fn: object) -> float:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    brief_for(client, now=now)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        brief = brief_for(client, now=now)
    statements = [q["sql"] for q in captured.captured_queries]

    def replay() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    brief_seconds = timed(lambda: brief_for(client, now=now))
    floor_seconds = timed(replay)
    vendor, version = engine_version()
    table = Table(
        title=(
            f"Brief for one client: {args.interactions:,} interactions, {args.facts} facts, "
            f"{args.promises} promises, {args.resources:,} resources ({vendor} {version})"
        )
    )
    for column in ("what", "queries", "median ms", "x floor"):
        table.add_column(column, justify="right")
    table.add_row("brief_for", str(len(statements)), f"{brief_seconds * 1000:.1f}",
                  f"{brief_seconds / floor_seconds:.1f}x")  # fmt: skip
    table.add_row("floor: its SQL on a bare cursor", str(len(statements)),
                  f"{floor_seconds * 1000:.1f}", "1.0x")  # fmt: skip
    console.print(table)
    console.print(
        f"{len(brief.resources)} resources suggested of {args.resources:,}; "
        f"{len(brief.facts)} facts, {len(brief.promises)} promises listed. "
        f"Load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
