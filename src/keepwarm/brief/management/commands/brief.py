"""`keepwarm brief CLIENT`: print a client's meeting-prep brief in the terminal."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from keepwarm.accounts.models import Workspace
from keepwarm.brief.selectors import Brief, brief_for
from keepwarm.clients.models import Client


def _workspace(wanted: str | None) -> Workspace:
    if wanted:
        wanted = wanted.strip()
        found = (
            Workspace.objects.filter(pk=int(wanted)).first()
            if wanted.isdigit()
            else Workspace.objects.filter(name=wanted).order_by("pk").first()
        )
        if found is None:
            raise CommandError(f"There is no workspace with the id or exact name {wanted!r}.")
        return found
    workspaces = list(Workspace.objects.order_by("pk")[:2])
    if len(workspaces) != 1:
        raise CommandError("Say which workspace: --workspace ID|NAME.")
    return workspaces[0]


def _client(workspace: Workspace, wanted: str) -> Client:
    clients = Client.objects.filter(workspace=workspace).select_related("owner")
    wanted = wanted.strip()
    if wanted.isdigit():
        found = clients.filter(pk=int(wanted)).first()
        if found is not None:
            return found
    matches = list(clients.filter(name__iexact=wanted)[:2]) or list(
        clients.filter(name__icontains=wanted).order_by("name")[:6]
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"No client in {workspace.name} is called {wanted!r}.")
    names = ", ".join(c.name for c in matches[:5])
    raise CommandError(f"{wanted!r} matches several clients ({names}): give more of the name.")


def _section(console: Console, title: str, lines: list[str], empty: str) -> None:
    body = "\n".join(f"• {line}" for line in lines) if lines else f"[dim]{escape(empty)}[/]"
    console.print(Panel(body, title=f"[bold]{escape(title)}[/]", title_align="left"))


def print_brief(console: Console, brief: Brief) -> None:
    """Print every section of a brief, in the order the page shows them."""
    client = brief.client
    when = ""
    if brief.meeting is not None:
        local = timezone.localtime(brief.meeting.occurred_at)
        subject = f" — “{brief.meeting.subject}”" if brief.meeting.subject else ""
        when = f"Meeting {local:%a %-d %b %Y at %H:%M}{subject}"
    console.print(f"[bold]Brief: {escape(client.name)}[/]", soft_wrap=True)
    console.print(escape(when or "No meeting planned yet."), soft_wrap=True)
    e = escape
    _section(
        console, "Questions worth asking", [e(q) for q in brief.questions], "Nothing stands out."
    )
    _section(
        console,
        "Their goals",
        [e(f"{g.text} ({g.get_priority_display().lower()} priority)") for g in brief.goals],
        "No goals recorded.",
    )
    since = "since the last meeting" if brief.last_meeting else "in the last 30 days"
    _section(
        console,
        f"What happened {since}",
        [
            e(f"{timezone.localtime(i.occurred_at):%-d %b} {i.get_channel_display()}, "
              f"{i.get_direction_display().lower()}" + (f": {i.subject}" if i.subject else ""))
            for i in brief.since
        ],
        "Nothing logged.",
    )  # fmt: skip
    _section(
        console,
        "Remember the person",
        [
            e(("Ask about: " if f.ask_now else "") + f"{f.contact.name} — {f.fact.text}"
              + (f" ({f.when_words})" if f.when_words else ""))
            for f in brief.facts
        ]
        + [e(f"{d.contact.name}'s {d.label.lower()} on {d.on:%a %-d %b}") for d in brief.dates],
        "Nothing remembered about their people yet.",
    )  # fmt: skip
    _section(
        console,
        "Open promises",
        [
            e(f"{p.commitment.what} — {p.state_words}")
            if not p.overdue_days
            else f"{e(p.commitment.what)} — [bold red]{e(p.state_words)}[/]"
            for p in brief.promises
        ],
        "No open promises.",
    )
    _section(
        console,
        "Recovery and tough topics",
        [e(f"Open recovery case: {c.cause_label}, {c.steps_done} of 8 steps") for c in brief.cases]
        + [e(f"{t.topic.get_kind_display()}: {t.topic.what_to_say} — {t.state_words}")
           for t in brief.topics],
        "No open case and no tough topic to raise.",
    )  # fmt: skip
    feedback = []
    if brief.feedback is not None:
        r = brief.feedback.response
        said = f": “{r.comment}”" if r.comment else ""
        feedback.append(
            e(f"{r.score} of {brief.feedback.scale_max} on {r.created_at:%-d %b %Y}{said}")
        )
    _section(console, "Last feedback", feedback, "No feedback yet.")
    business = ([e(f"Industry: {brief.industry}")] if brief.industry else []) + (
        [e(brief.notes)] if brief.notes else []
    )
    _section(console, "Their business", business, "No industry or notes recorded.")
    _section(
        console,
        "Worth sharing",
        [
            e(f"{s.resource.title}" + (f" <{s.resource.url}>" if s.resource.url else "")
              + f" — {'; '.join(s.reasons)}")
            for s in brief.resources
        ],
        "Nothing in the library fits that they have not been sent.",
    )  # fmt: skip


class Command(BaseCommand):
    help = (
        "Print a client's meeting-prep brief: goals, what happened since the last meeting, "
        "people to remember, promises, recovery, feedback, questions and resources. Give the "
        "client's id or name; workspaces have no short name, so --workspace is the id or the "
        "exact name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", metavar="CLIENT", help="The client's id or name.")
        parser.add_argument(
            "--workspace",
            metavar="ID|NAME",
            help="The workspace's id or exact name (optional when there is one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = _workspace(options["workspace"])
        client = _client(workspace, options["client"])
        with timezone.override(workspace.time_zone):
            brief = brief_for(client)
            stream = getattr(self.stdout, "_out", sys.stdout)
            console = Console(
                file=stream,
                width=None if stream.isatty() else 100,
                highlight=False,
                no_color=options.get("no_color", False),
                force_terminal=True if options.get("force_color") else None,
            )
            print_brief(console, brief)
