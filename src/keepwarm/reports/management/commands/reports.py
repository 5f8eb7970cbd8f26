"""`keepwarm reports due` lists what is due; `keepwarm reports send-due` sends what may go."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from keepwarm.accounts.models import Workspace
from keepwarm.reports.periods import zone_named
from keepwarm.reports.selectors import NOT_STARTED, reports_due
from keepwarm.reports.sending import (
    auto_sendable,
    deliveries_reconcile,
    drafts_generate_due,
    report_send_unreviewed,
)

STATE_WORDS = {
    NOT_STARTED: "no draft yet",
    "draft": "draft ready",
    "failed": "could not be sent",
}


class Command(BaseCommand):
    help = (
        "Status reports from the command line. `keepwarm reports due` lists the reports that "
        "are due or overdue; `keepwarm reports send-due` drafts what is due, then sends the "
        "reports that may go without review (scheduled ones whose time came, and “no change” "
        "reports for clients that allow it). The worker does the same every minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="{due,send-due}")
        subcommands.required = True
        for name, text in (
            ("due", "List the status reports that are due or overdue."),
            ("send-due", "Send what may go without review; report what was sent."),
        ):
            sub = subcommands.add_parser(name, help=text, description=text)
            sub.add_argument(
                "--workspace", type=int, metavar="ID", help="Only the workspace with this id."
            )

    def _console(self, options: dict[str, Any]) -> Console:
        # rich writes partial lines, which Django's OutputWrapper would end with newlines.
        stream = getattr(self.stdout, "_out", sys.stdout)
        return Console(
            file=stream,
            highlight=False,
            no_color=options.get("no_color", False),
            force_terminal=True if options.get("force_color") else None,
            width=120 if not getattr(stream, "isatty", lambda: False)() else None,
        )

    def _workspaces(self, options: dict[str, Any]) -> list[Workspace]:
        workspaces = Workspace.objects.order_by("pk")
        if options.get("workspace") is not None:
            workspaces = workspaces.filter(pk=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"There is no workspace {options['workspace']}.")
        return list(workspaces)

    def handle(self, *args: Any, **options: Any) -> None:
        console = self._console(options)
        workspaces = self._workspaces(options)
        if options["subcommand"] == "due":
            self._due(console, workspaces)
        else:
            self._send_due(console, workspaces)

    def _due(self, console: Console, workspaces: list[Workspace]) -> None:
        now = timezone.now()
        table = Table(title="Status reports due", title_justify="left")
        for column in ("Workspace", "Client", "Period", "Due", "State", "Review at"):
            table.add_column(column)
        count = overdue = 0
        for workspace in workspaces:
            zone = zone_named(workspace.time_zone)
            for item in reports_due(workspace_id=workspace.pk, now=now):
                count += 1
                overdue += item.overdue
                due = timezone.localtime(item.due_at, zone)
                table.add_row(
                    workspace.name,
                    item.client_name,
                    f"{item.period_start:%d %b} to {item.period_end:%d %b %Y}",
                    f"{due:%a %d %b %H:%M}" + (" [bold]overdue[/]" if item.overdue else ""),
                    STATE_WORDS.get(item.state, item.state),
                    item.url,
                )
        if not count:
            console.print("No status reports are due.")
            return
        console.print(table)
        console.print(
            f"{count} report{'s' if count != 1 else ''} due, {overdue} of them overdue.",
            soft_wrap=True,
        )

    def _send_due(self, console: Console, workspaces: list[Workspace]) -> None:
        now = timezone.now()
        ids = {workspace.pk for workspace in workspaces}
        drafted = drafts_generate_due(now=now, workspace_ids=ids)
        reports = [r for r in auto_sendable(now) if r.workspace_id in ids]
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        )
        task = progress.add_task("Sending reports", total=len(reports))
        # Off a terminal (a log, a pipe) a live bar only leaves blank lines behind.
        shown = progress if console.is_terminal else contextlib.nullcontext()
        sent: list[str] = []
        held: list[str] = []
        with shown:
            for report in reports:
                label = f"{report.client.name}: {report.subject}"
                (sent if report_send_unreviewed(report, now=now) else held).append(label)
                progress.advance(task)
        deliveries_reconcile(now=timezone.now())
        for label in sent:
            console.print(f"[green]✓[/] Sent {label}", soft_wrap=True)
        for label in held:
            console.print(f"[yellow]![/] Not sent, left for review: {label}", soft_wrap=True)
        console.print(
            f"Done: drafted {drafted}, sent {len(sent)}"
            + (f", {len(held)} left for review" if held else "")
            + ".",
            soft_wrap=True,
        )
