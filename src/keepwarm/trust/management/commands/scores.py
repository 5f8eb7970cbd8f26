"""`keepwarm scores`: recompute and store today's trust snapshots, or back-fill history."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeRemainingColumn,
)

from keepwarm.accounts.models import Workspace
from keepwarm.trust.services import snapshots_store, workspace_today

# Scores look back at most 180 days, so history older than this would be guesswork on guesswork.
MAX_BACKFILL_DAYS = 3 * 366


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since must be a date like 2026-06-01, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Recompute every client's trust score and store today's snapshot, for every workspace "
        "or one. With --since, back-fill one snapshot per day from that date to today from the "
        "history already recorded. Run it daily (for example from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workspace",
            type=int,
            metavar="ID",
            help="Only the workspace with this id.",
        )
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="Also store a snapshot for every day from this date up to today "
            f"(at most {MAX_BACKFILL_DAYS} days back).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"]) if options["since"] else None
        today = timezone.localdate()
        if since is not None:
            if since > today:
                raise CommandError(
                    f"--since {since} is in the future; give a day up to today ({today})."
                )
            if (today - since).days > MAX_BACKFILL_DAYS:
                earliest = today - dt.timedelta(days=MAX_BACKFILL_DAYS)
                raise CommandError(
                    f"--since {since} is more than 3 years back; the earliest allowed is "
                    f"{earliest}."
                )
        workspaces = Workspace.objects.order_by("pk")
        if options["workspace"] is not None:
            workspaces = workspaces.filter(pk=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"There is no workspace {options['workspace']}.")

        # rich writes partial lines, which Django's OutputWrapper would end with newlines.
        stream = getattr(self.stdout, "_out", sys.stdout)
        console = Console(
            file=stream,
            highlight=False,
            no_color=options.get("no_color", False),
            force_terminal=True if options.get("force_color") else None,
        )
        total = 0
        for workspace in workspaces:
            total += self._score(console, workspace, since)
        if options["workspace"] is None:
            count = workspaces.count()
            console.print(
                f"Done: {total:,} snapshots across {count} workspace{'s' if count != 1 else ''}."
            )

    def _score(self, console: Console, workspace: Workspace, since: dt.date | None) -> int:
        """Store the workspace's snapshots with a progress bar; return how many."""
        today = workspace_today(workspace)
        start = min(since, today) if since is not None else today
        days = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        label = f"Scoring {workspace.name}" + (" day by day" if len(days) > 1 else "")
        task = progress.add_task(label, total=len(days))
        # Off a terminal (a log, a pipe) a live bar only leaves blank lines behind.
        shown = progress if console.is_terminal else contextlib.nullcontext()
        started = time.perf_counter()
        stored = 0
        with shown:
            for day in days:
                stored += snapshots_store(workspace=workspace, day=day)
                progress.advance(task)
        seconds = time.perf_counter() - started
        span = f" over {len(days)} days from {start.day} {start:%b %Y}" if len(days) > 1 else ""
        console.print(
            f"[green]✓[/] Stored {stored:,} snapshot{'s' if stored != 1 else ''} for "
            f"{workspace.name}{span} in {seconds:.1f} s",
            soft_wrap=True,
        )
        return stored
