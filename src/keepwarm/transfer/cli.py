"""What `keepwarm import` and `keepwarm export` share: the workspace, the console, the summary."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from keepwarm.accounts.models import Membership, Role, Workspace
from keepwarm.transfer.results import ImportResult


def add_workspace_arguments(parser: CommandParser, *, acting: bool = True) -> None:
    """Add --workspace (and --user, for writes) to a subcommand."""
    parser.add_argument(
        "--workspace",
        metavar="ID|NAME",
        help="The workspace's id or exact name (may be left out when there is only one).",
    )
    if acting:
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Who the changes are recorded as in the audit log (default: the first owner).",
        )


def workspace_from(value: str | None) -> Workspace:
    """Return the workspace named by id or exact name, or the only one."""
    workspaces = Workspace.objects.order_by("pk")
    if value:
        wanted = value.strip()
        found = (
            workspaces.filter(pk=int(wanted)).first()
            if wanted.isdigit()
            else workspaces.filter(name=wanted).first()
        )
        if found is None:
            raise CommandError(f"There is no workspace with the id or exact name {value!r}.")
        return found
    only = list(workspaces[:2])
    if len(only) != 1:
        raise CommandError("Say which workspace: --workspace ID|NAME.")
    return only[0]


def membership_from(options: dict[str, Any]) -> Membership:
    """Return the member the command acts as, in the chosen workspace."""
    workspace = workspace_from(options.get("workspace"))
    members = Membership.objects.select_related("workspace", "user").filter(workspace=workspace)
    email = options.get("user")
    if email:
        chosen = members.filter(user__email__iexact=email.strip()).first()
        if chosen is None:
            raise CommandError(f"{email} is not a member of {workspace.name}.")
    else:
        chosen = members.filter(role=Role.OWNER).order_by("pk").first()
        if chosen is None:
            raise CommandError(f"{workspace.name} has no owner; give --user EMAIL.")
    if not chosen.can_write:
        raise CommandError(f"{chosen.user.email} may only read in {workspace.name}.")
    return chosen


def console_for(command: BaseCommand, options: dict[str, Any]) -> Console:
    # rich writes partial lines, which Django's OutputWrapper would end with newlines.
    stream = getattr(command.stdout, "_out", sys.stdout)
    return Console(
        file=stream,
        highlight=False,
        no_color=options.get("no_color", False),
        force_terminal=True if options.get("force_color") else None,
        width=120 if not getattr(stream, "isatty", lambda: False)() else None,
    )


@contextlib.contextmanager
def progress_bar(console: Console, label: str, total: int | None) -> Iterator[Any]:
    """Yield a function that sets how far along the work is; a live bar only on a terminal."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn() if total else MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(label, total=total)
    shown = progress if console.is_terminal else contextlib.nullcontext()
    with shown:
        yield lambda done: progress.update(task, completed=done)


def print_result(
    console: Console, result: ImportResult, kinds: tuple[tuple[str, str], ...], item: str
) -> None:
    """Print what an import did: the counts, then every problem with its row and reason."""
    if result.errors:
        table = Table(title="Not imported", title_justify="left")
        table.add_column(item.capitalize(), justify="right")
        table.add_column("Field")
        table.add_column("Why", ratio=1)
        for error in result.errors:
            table.add_row(str(error.row), error.field or "—", error.reason)
        console.print(table)
    for skipped in result.skipped:
        console.print(
            f"[yellow]![/] {item.capitalize()} {skipped.row}: {skipped.reason}", soft_wrap=True
        )
    heading = "Dry run, nothing was saved" if result.dry_run else "Done"
    items = f"{result.rows} {item}{'' if result.rows == 1 else 's'}"
    console.print(f"{heading}: {items} read, {result.failed_rows} with problems.")
    if result.skipped_count:
        console.print(f"Skipped: {result.skipped_count} (see above).")
    for line in result.summary_lines(kinds):
        console.print(line + ".", soft_wrap=True)
