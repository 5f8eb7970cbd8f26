"""`keepwarm agenda`: print a member's agenda, most urgent first, as a table."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from keepwarm.accounts.models import Membership, User
from keepwarm.agenda.selectors import agenda_for
from keepwarm.agenda.types import KINDS

STATE_STYLES = {"overdue": "bold red", "due": "yellow", "upcoming": ""}


def _user(email: str | None) -> User:
    if email:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"There is no user with the email {email}.")
        return user
    users = list(User.objects.filter(is_active=True).order_by("pk")[:2])
    if len(users) != 1:
        raise CommandError("Say whose agenda to print: --user EMAIL.")
    return users[0]


def _membership(user: User, workspace: str | None) -> Membership:
    memberships = Membership.objects.select_related("workspace", "user").filter(user=user)
    if workspace:
        wanted = workspace.strip()
        if wanted.isdigit():
            chosen = memberships.filter(workspace_id=int(wanted)).first()
        else:
            chosen = memberships.filter(workspace__name=wanted).order_by("workspace_id").first()
        if chosen is None:
            raise CommandError(
                f"{user.email} is in no workspace with the id or exact name {workspace!r}."
            )
        return chosen
    first = memberships.order_by("created_at", "pk").first()
    if first is None:
        raise CommandError(f"{user.email} is not a member of any workspace.")
    return first


class Command(BaseCommand):
    help = (
        "Print a team member's agenda (what their clients need now, most urgent first) as a "
        "table. Workspaces have no short name: give --workspace as the id or the exact name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", metavar="EMAIL", help="Whose agenda (optional when there is one user)."
        )
        parser.add_argument(
            "--workspace",
            metavar="ID|NAME",
            help="The workspace's id or exact name (default: the user's first workspace).",
        )
        parser.add_argument(
            "--team",
            action="store_true",
            help="The whole team's agenda, not only the clients the user owns (or nobody owns).",
        )
        parser.add_argument("--kind", choices=list(KINDS), help="Only items of this kind.")
        parser.add_argument("--client", type=int, metavar="ID", help="Only this client.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        membership = _membership(user, options["workspace"])
        kind = options["kind"]
        items = agenda_for(
            membership=membership,
            mine=not options["team"],
            kinds=[kind] if kind else None,
            client_id=options["client"],
        )
        # rich writes partial lines, which Django's OutputWrapper would end with newlines.
        stream = getattr(self.stdout, "_out", sys.stdout)
        console = Console(
            file=stream,
            # Off a terminal (a file, a pipe, cron mail) sentences get room to stay whole.
            width=None if stream.isatty() else 120,
            highlight=False,
            no_color=options.get("no_color", False),
            force_terminal=True if options.get("force_color") else None,
        )
        whose = "the whole team" if options["team"] else user.display_name
        title = f"Today for {whose} in {membership.workspace.name}"
        if not items:
            console.print(f"{title}: nothing needs you today.", soft_wrap=True)
            return
        table = Table(title=f"{title}: {len(items)} item{'s' if len(items) != 1 else ''}")
        table.add_column("#", justify="right")
        table.add_column("When", max_width=20)
        table.add_column("Kind", max_width=16)
        table.add_column("What to do, and why", ratio=1)
        table.add_column("Band")
        for number, item in enumerate(items, 1):
            table.add_row(
                str(number),
                f"[{STATE_STYLES[item.state]}]{item.reason}[/]" if item.state != "upcoming"
                else item.reason,
                KINDS[item.kind],
                item.sentence,
                item.band.capitalize() or "—",
            )  # fmt: skip
        console.print(table)
