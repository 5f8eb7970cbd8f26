"""`keepwarm digest send`: queue today's daily digests whose time has come, once (for cron)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from keepwarm.digest.services import digest_send_due


class Command(BaseCommand):
    help = (
        "Daily digest emails. `keepwarm digest send` queues the digest of every member whose "
        "digest time has passed today in their time zone and who has not had today's yet, "
        "exactly what the worker's digest.send job does every five minutes; run it from cron "
        "when no worker runs. A day with nothing on a member's agenda sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="send")
        send = actions.add_parser(
            "send",
            help="Queue the digests that are due now (each member gets at most one a day).",
        )
        send.add_argument(
            "--now",
            action="store_true",
            help="Do not wait for each member's digest time: send today's digest to everyone "
            "who has it on and has not had it today.",
        )
        send.add_argument(
            "--dry-run",
            action="store_true",
            help="Show who would get a digest and its subject; queue nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # rich writes partial lines, which Django's OutputWrapper would end with newlines.
        stream = getattr(self.stdout, "_out", sys.stdout)
        console = Console(
            file=stream,
            highlight=False,
            no_color=options.get("no_color", False),
            force_terminal=True if options.get("force_color") else None,
        )
        dry_run = options["dry_run"]
        outcomes = digest_send_due(now=timezone.now(), ignore_time=options["now"], dry_run=dry_run)
        if not outcomes:
            console.print("No digests are due now.")
            return
        table = Table(title="Would send" if dry_run else "Daily digests")
        table.add_column("Member")
        table.add_column("Workspace")
        table.add_column("Day")
        table.add_column("Items", justify="right")
        table.add_column("Subject")
        for outcome in outcomes:
            membership = outcome.membership
            table.add_row(
                membership.user.email,
                membership.workspace.name,
                outcome.day.isoformat(),
                str(outcome.items),
                outcome.subject or "(nothing on the agenda: no email)",
            )
        console.print(table)
        sent = sum(1 for outcome in outcomes if outcome.sent)
        verb = "Would queue" if dry_run else "Queued"
        console.print(f"{verb} {sent} digest{'s' if sent != 1 else ''}.")
