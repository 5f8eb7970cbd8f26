"""`keepwarm demo`: create the database, load the demo workspace, print the login, serve it."""

from __future__ import annotations

import contextlib
import io
import socket
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Column, Table
from rich.text import Text

from keepwarm.demo.loader import (
    STEPS,
    TEAM,
    DemoError,
    DemoResult,
    demo_today,
    load_demo,
    loaded_on,
    overdue_promises,
)

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = (
        "Try Keepwarm with realistic sample data: create and migrate the database, load the "
        "Brightside Studio demo workspace (once; later runs reuse it), print the login, and "
        f"serve it on http://{HOST}:PORT/. Other workspaces are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="Port to serve the demo on, on 127.0.0.1 (default: 8000).",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up the database and the demo and print the login, but don't start the "
            "web server.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo workspace and its demo users, then load a fresh copy dated "
            "today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        # Say so now, not after telling the user to open a URL someone else is serving.
        if not options["no_serve"] and not port_is_free(HOST, port):
            other = port + 1 if port < 65535 else 8000
            raise CommandError(
                f"Port {port} on {HOST} is already in use, perhaps by another Keepwarm. Stop "
                f"that program, or choose another port: keepwarm demo --port {other}"
            )
        # rich writes partial lines, which Django's OutputWrapper would end with newlines.
        stream = getattr(self.stdout, "_out", sys.stdout)
        console = Console(
            file=stream,
            highlight=False,
            no_color=options.get("no_color", False),
            force_terminal=True if options.get("force_color") else None,
        )
        self._migrate(console)
        result = self._load(console, reset=options["reset"])
        url = f"http://{HOST}:{port}/"
        console.print()
        console.print(self._panel(result, url, width=min(console.width, 92)))
        if options["no_serve"]:
            console.print(
                "Not serving (--no-serve). Run [bold]keepwarm demo[/] to start the web server."
            )
            return
        from keepwarm.web.server import serve

        console.print()
        serve(host=HOST, port=port, workers=2, stdout=stream)

    def _migrate(self, console: Console) -> None:
        """Create or update the database, saying where it lives."""
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        with console.status("Preparing the database…"):
            call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            where = f"SQLite database {settings['NAME']}"
        else:
            host = settings.get("HOST") or "the local socket"
            where = f"{connection.display_name} database {settings['NAME']} on {host}"
        done = f"{pending} migrations applied" if pending else "up to date"
        console.print(f"[green]✓[/] {where} ({done})")

    def _load(self, console: Console, *, reset: bool) -> DemoResult:
        """Load the demo with a progress bar, and say what happened."""
        # A fixed-width description keeps the bar from jumping as the steps change.
        width = max(len(step) for step in STEPS)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", table_column=Column(width=width)),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        )
        task = progress.add_task("Loading the demo", total=len(STEPS))

        def report(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total)

        # Off a terminal (a log, a pipe) a live bar only leaves blank lines behind.
        shown = progress if console.is_terminal else contextlib.nullcontext()
        try:
            with shown:
                result = load_demo(progress=report, reset=reset)
        except DemoError as error:
            raise CommandError(str(error)) from error

        counts = result.counts
        if result.created:
            console.print(
                f"[green]✓[/] Loaded the demo workspace, {result.workspace.name}, "
                f"in {result.seconds:.1f} s"
            )
            console.print(
                f"  {counts['clients']} clients · {counts['contacts']} people · "
                f"{counts['interactions']} emails, calls and meetings · "
                f"{counts['commitments']} promises",
                style="dim",
            )
        else:
            loaded = loaded_on(result.workspace)
            when = "today" if loaded == demo_today() else f"on {loaded.day} {loaded:%B %Y}"
            console.print(f"[green]✓[/] The demo workspace is already here (loaded {when}).")
            if loaded != demo_today():
                console.print(
                    "  Its story is dated as of that day. For a fresh copy dated today, run "
                    "[bold]keepwarm demo --reset[/]."
                )
        if not result.login_ok:
            console.print(
                "[yellow]![/] The demo login's password has been changed in the app, so the "
                "password below won't work. Use the new one, or run "
                "[bold]keepwarm demo --reset[/]."
            )
        return result

    def _panel(self, result: DemoResult, url: str, *, width: int) -> Panel:
        """Return the box a new user reads: where to go, how to sign in, what to try."""
        login = Table.grid(padding=(0, 2))
        login.add_column(style="bold")
        login.add_column()
        login.add_row("Open", url)
        login.add_row("Email", result.email)
        login.add_row("Password", result.password)
        teammate = TEAM[1]
        login.add_row(
            "Teammate",
            Text(f"{teammate.email} ({teammate.name}, {teammate.role}), same password"),
        )

        overdue = overdue_promises(result.workspace)
        tips = Table.grid(padding=(0, 1))
        tips.add_column()
        tips.add_column()
        for tip in (
            "Clients: show the active ones, sorted by “days since we last spoke”. Castle "
            "Plumbing, who sent us Harbor Dental, hasn't heard from us in five weeks.",
            "Meadowbank Vets: an angry email from Fiona has waited two days for a reply.",
            "Harbor Dental: Lena's son plays in the county final on Saturday, and a Friday "
            "update has gone out every week, one of them saying “no change”.",
            f"Promises: {overdue} are overdue. Open Hillcrest or Greenway Physio and mark one "
            "kept.",
            f"The API: {url}api/docs",
        ):
            tips.add_row("•", tip)

        body = Group(
            login,
            Text(""),
            Text("Try first", style="bold"),
            tips,
            Text(""),
            Text(
                "This is sample data for Brightside Studio, a small web studio. It lives in its "
                "own workspace; your real workspaces are never touched.",
                style="dim",
            ),
        )
        return Panel(
            body, title="Keepwarm demo is ready", title_align="left", padding=(1, 2), width=width
        )


def port_is_free(host: str, port: int) -> bool:
    """Return whether a server could listen on host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn does, so a port lingering in TIME_WAIT still counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
