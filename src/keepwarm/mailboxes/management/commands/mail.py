"""`keepwarm mail sync` and `keepwarm mail accounts`: read mailboxes now, and see how they stand."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from keepwarm.accounts.models import Workspace
from keepwarm.mailboxes.models import MailboxAccount
from keepwarm.mailboxes.selectors import mailboxes_for, with_latest_runs
from keepwarm.mailboxes.sync import mailbox_sync


def _workspace(wanted: str) -> Workspace:
    wanted = wanted.strip()
    found = Workspace.objects.filter(name=wanted).order_by("pk").first()
    if found is None and wanted.isdigit():
        found = Workspace.objects.filter(pk=int(wanted)).first()
    if found is None:
        raise CommandError(f"There is no workspace with the id or exact name {wanted!r}.")
    return found


class Command(BaseCommand):
    help = (
        "Mailboxes read over IMAP. `keepwarm mail sync` reads the new messages of every "
        "enabled mailbox now (what the worker does every few minutes) and prints what came of "
        "them; `keepwarm mail accounts` lists the mailboxes and their last sync."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="sync|accounts")
        sync = actions.add_parser("sync", help="Read new messages now.")
        sync.add_argument(
            "--workspace", metavar="ID|NAME", help="Only this workspace (its id or exact name)."
        )
        sync.add_argument(
            "--account",
            type=int,
            metavar="ID",
            help="Only this mailbox (see `keepwarm mail accounts`), even when paused.",
        )
        accounts = actions.add_parser("accounts", help="List mailboxes and their last sync.")
        accounts.add_argument(
            "--workspace", metavar="ID|NAME", help="Only this workspace (its id or exact name)."
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
        accounts = MailboxAccount.objects.select_related("workspace").order_by("workspace", "pk")
        if options.get("workspace"):
            accounts = accounts.filter(workspace=_workspace(options["workspace"]))
        if options["action"] == "accounts":
            self.list_accounts(console, accounts)
        else:
            self.sync(console, accounts, account_id=options.get("account"))

    def list_accounts(self, console: Console, accounts: QuerySet[MailboxAccount]) -> None:
        rows = list(accounts)
        if not rows:
            console.print("No mailboxes. Add one in the web app under Settings → Mailboxes.")
            return
        latest = {
            a.pk: a
            for ws in {r.workspace for r in rows}
            for a in with_latest_runs(list(mailboxes_for(ws)))
        }
        table = Table(title="Mailboxes")
        for column in ("ID", "Workspace", "Name", "Server", "User", "On", "Last sync", "Result"):
            table.add_column(column)
        for account in rows:
            run = getattr(latest.get(account.pk), "latest_run", None)
            if account.last_error:
                result = f"failed: {account.last_error}"
            elif run is not None:
                result = f"{run.imported} new, {run.duplicates} already here"
            else:
                result = "not synced yet"
            table.add_row(
                str(account.pk),
                account.workspace.name,
                account.name,
                f"{account.host}:{account.port}",
                account.username,
                "yes" if account.enabled else "paused",
                account.last_sync_at.strftime("%Y-%m-%d %H:%M UTC") if account.last_sync_at else "",
                result,
            )
        console.print(table)

    def sync(
        self, console: Console, accounts: QuerySet[MailboxAccount], *, account_id: int | None
    ) -> None:
        if account_id is not None:
            accounts = accounts.filter(pk=account_id)
            if not accounts.exists():
                raise CommandError(
                    f"There is no mailbox {account_id}; see `keepwarm mail accounts`."
                )
        else:
            accounts = accounts.filter(enabled=True)
        rows = list(accounts)
        if not rows:
            console.print("No enabled mailboxes to sync.")
            return
        table = Table(title="Mailbox sync")
        for column in ("Mailbox", "New", "Already here", "Unmatched", "Quarantined", "Result"):
            table.add_column(column, justify="right" if column != "Mailbox" else "left")
        failed = 0
        errors: list[tuple[MailboxAccount, str]] = []
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        with progress:
            for account in rows:
                task = progress.add_task(f"{account.name}: connecting", total=None)

                def report(
                    folder: str, done: int, total: int, task: Any = task, name: str = account.name
                ) -> None:
                    progress.update(
                        task,
                        description=f"{name} · {folder}",
                        completed=done,
                        total=total,
                    )

                run = mailbox_sync(account=account, progress=report)
                progress.remove_task(task)
                failed += bool(run.error)
                if run.error:
                    errors.append((account, run.error))
                result = "failed (below)" if run.error else "ok"
                if run.too_large:
                    result += f" ({run.too_large} too large, skipped)"
                table.add_row(
                    f"{account.name} ({account.workspace.name})",
                    str(run.imported),
                    str(run.duplicates),
                    str(run.unmatched),
                    str(run.quarantined),
                    result,
                )
        console.print(table)
        for account, error in errors:
            console.print(f"{account.name}: {error}")
        if failed:
            raise CommandError(f"{failed} of {len(rows)} mailboxes could not be read.")
