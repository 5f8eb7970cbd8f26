"""`keepwarm import mail PATH...`: the subcommand's arguments and handler (a thin face)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from keepwarm.accounts.models import Membership, Role, Workspace
from keepwarm.mail.importing import ImportSummary, import_mail_paths
from keepwarm.mail.importing import Progress as ProgressCallback

HELP = "Import emails from .eml files, folders of them, and .mbox files."


def add_mail(parser: CommandParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help=".eml files, folders of them, or .mbox files."
    )
    parser.add_argument(
        "--our-address",
        action="append",
        default=[],
        metavar="EMAIL",
        help="An address of ours (besides the team's own): mail from it counts as sent by us. "
        "May be given more than once.",
    )


def _membership(options: dict[str, Any]) -> Membership:
    """Return the member the import is recorded as, in the chosen workspace."""
    wanted = (options.get("workspace") or "").strip()
    workspaces = Workspace.objects.order_by("pk")
    if wanted:
        workspace = (
            workspaces.filter(pk=int(wanted)).first()
            if wanted.isdigit()
            else workspaces.filter(name=wanted).first()
        )
        if workspace is None:
            raise CommandError(f"There is no workspace with the id or exact name {wanted!r}.")
    else:
        only = list(workspaces[:2])
        if len(only) != 1:
            raise CommandError("Say which workspace: --workspace ID|NAME.")
        workspace = only[0]
    members = Membership.objects.select_related("workspace", "user").filter(workspace=workspace)
    email = options.get("user")
    chosen = (
        members.filter(user__email__iexact=email.strip()).first()
        if email
        else members.filter(role=Role.OWNER).order_by("pk").first()
    )
    if chosen is None:
        raise CommandError(
            f"{email} is not a member of {workspace.name}."
            if email
            else f"{workspace.name} has no owner; give --user EMAIL."
        )
    if not chosen.can_write:
        raise CommandError(f"{chosen.user.email} may only read in {workspace.name}.")
    return chosen


@contextlib.contextmanager
def _progress(console: Console) -> Iterator[ProgressCallback]:
    """Yield a progress callback drawing messages, rate and time left (on a terminal)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[messages]:,} messages · {task.fields[rate]:,.0f}/s"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, tuple[Any, float]] = {}

    def update(label: str, done: int, total: int, messages: int) -> None:
        if label not in tasks:
            name = Path(label).name or label
            task = bar.add_task(name, total=max(total, 1), messages=0, rate=0.0)
            tasks[label] = (task, time.monotonic())
        task, started = tasks[label]
        rate = messages / max(time.monotonic() - started, 1e-6)
        bar.update(task, completed=done, messages=messages, rate=rate)

    with bar if console.is_terminal else contextlib.nullcontext():
        yield update


def print_summary(console: Console, summary: ImportSummary, seconds: float) -> None:
    rate = summary.messages / seconds if seconds > 0 else 0.0
    console.print(
        f"{summary.messages:,} messages from {summary.files:,} "
        f"{'source' if summary.files == 1 else 'sources'} in {seconds:,.1f} s "
        f"({rate:,.0f} a second)"
        + (f", {summary.resumed} resumed where the last import stopped" if summary.resumed else "")
    )
    table = Table(show_header=False, box=None)
    table.add_row("Imported", f"{summary.imported:,}")
    table.add_row("Already there (duplicates)", f"{summary.duplicates:,}")
    table.add_row("Unmatched (see the Unmatched page)", f"{summary.unmatched:,}")
    table.add_row("Quarantined", f"{summary.quarantined:,}")
    console.print(table)
    for reason, count in summary.reasons.most_common():
        console.print(f"  quarantined, {reason}: {count:,}")


def handle_mail(console: Console, options: dict[str, Any]) -> None:
    if options.get("dry_run"):
        raise CommandError("Mail imports have no dry run; importing again never adds twice.")
    membership = _membership(options)
    paths = [Path(p) for p in options["paths"]]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CommandError(f"There is no file or folder {', '.join(missing)}.")
    started = time.monotonic()
    with _progress(console) as progress:
        summary = import_mail_paths(
            workspace=membership.workspace,
            paths=paths,
            our_addresses=options.get("our_address") or (),
            by=membership.user,
            progress=progress,
        )
    print_summary(console, summary, time.monotonic() - started)
