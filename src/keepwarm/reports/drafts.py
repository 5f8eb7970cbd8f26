"""Draft assembly: a status report's sections from the period's records, and every report's text.

Problems are never hidden: every problem source's lines go into the draft, and a "no change"
report still lists what is open and what comes next. Internal notes are never quoted in a
client's report: only their one-line subjects of work done.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from keepwarm.accounts.models import User, Workspace
from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Direction, Interaction
from keepwarm.reports.models import StatusReport
from keepwarm.reports.periods import Period

# Words for each cadence: (title, unit, "this <unit>" phrase).
CADENCE_WORDS = {
    "daily": ("Daily", "day", "today"),
    "weekly": ("Weekly", "week", "this week"),
    "fortnightly": ("Fortnightly", "fortnight", "this fortnight"),
    "monthly": ("Monthly", "month", "this month"),
}
MAX_LINES = 12
MAX_QUESTIONS = 5
TITLES = {"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "revd", "rev", "sir", "dame"}
_QUESTION_RE = re.compile(r"[^.!?\n]*\?")


@dataclass(frozen=True)
class DraftWindow:
    """What a draft is assembled for: the client, the moments it covers, the next period."""

    client: Client
    covers_from: dt.datetime
    covers_to: dt.datetime
    zone: ZoneInfo
    today: dt.date
    next_period: Period | None = None


@dataclass
class Sections:
    """A status report's sections as Markdown list lines (without the leading "- ")."""

    done: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)
    # Something happened in the period: work done, a promise kept, a new problem.
    happened: bool = False


def day_words(day: dt.date, *, year: bool = False) -> str:
    """Return a day as people write it: "Friday 20 November" (with the year if asked)."""
    text = f"{day:%A} {day.day} {day:%B}"
    return f"{text} {day.year}" if year else text


def short_day(day: dt.date) -> str:
    """Return "20 November"."""
    return f"{day.day} {day:%B}"


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def _title_of(interaction: Interaction) -> str:
    """Return an interaction's subject, or the first line of what was said."""
    if interaction.subject.strip():
        return _one_line(interaction.subject)
    if interaction.direction == Direction.INTERNAL:
        return ""
    first = interaction.body.strip().splitlines()[0] if interaction.body.strip() else ""
    return _one_line(first)


def _report_interaction_ids(client: Client) -> set[int]:
    """Return the interactions that are reports themselves (a report never reports a report)."""
    return set(
        StatusReport.objects.filter(client=client, interaction__isnull=False).values_list(
            "interaction_id", flat=True
        )
    )


def _in_window(window: DraftWindow) -> Q:
    return Q(occurred_at__gte=window.covers_from, occurred_at__lt=window.covers_to)


# Problem sources ---------------------------------------------------------------------------
# Each takes the draft's window and returns Markdown lines; `problem_lines` runs them all.
# Apps above this layer (recovery cases, for one) add theirs with `register_problem_source`
# from their AppConfig.ready(), so reports never import them.

ProblemSource = Callable[[DraftWindow], list[str]]


def problem_interactions(window: DraftWindow) -> list[str]:
    """Return the problems raised with or by the client during the period."""
    found = (
        Interaction.objects.filter(client=window.client, is_problem=True)
        .filter(_in_window(window))
        .exclude(direction=Direction.INTERNAL)
        .exclude(pk__in=_report_interaction_ids(window.client))
        .order_by("occurred_at", "pk")
    )
    lines = []
    for interaction in found[:MAX_LINES]:
        title = _title_of(interaction)
        if title:
            local = interaction.occurred_at.astimezone(window.zone).date()
            lines.append(f"{title} ({day_words(local)})")
    return lines


def overdue_promises(window: DraftWindow) -> list[str]:
    """Return the promises to the client that are past their date and not kept."""
    found = Commitment.objects.filter(
        client=window.client, status=CommitmentStatus.OPEN, due_on__lt=window.today
    ).order_by("due_on", "pk")
    lines = []
    for promise in found[:MAX_LINES]:
        late = (window.today - promise.due_on).days
        lines.append(
            f"{_one_line(promise.what)}: promised for {day_words(promise.due_on)}, "
            f"not done yet ({late} day{'s' if late != 1 else ''} late)"
        )
    return lines


PROBLEM_SOURCES: list[ProblemSource] = [problem_interactions, overdue_promises]


def register_problem_source(source: ProblemSource) -> None:
    """Add a source of problems every status report draft lists (once, however often called)."""
    if source not in PROBLEM_SOURCES:
        PROBLEM_SOURCES.append(source)


def problem_lines(window: DraftWindow) -> list[str]:
    """Return every problem every source knows of, in source order."""
    return [line for source in PROBLEM_SOURCES for line in source(window)]


# The other sections -------------------------------------------------------------------------


def work_done(window: DraftWindow) -> list[str]:
    """Return the progress logged in the period and the promises kept in it."""
    progress = (
        Interaction.objects.filter(client=window.client, is_progress=True)
        .filter(_in_window(window))
        .exclude(pk__in=_report_interaction_ids(window.client))
        .order_by("occurred_at", "pk")
    )
    lines = [title for title in (_title_of(i) for i in progress[:MAX_LINES]) if title]
    kept = Commitment.objects.filter(
        client=window.client,
        status__in=(CommitmentStatus.KEPT, CommitmentStatus.LATE),
        done_at__gte=window.covers_from,
        done_at__lt=window.covers_to,
    ).order_by("done_at", "pk")
    lines += [f"{_one_line(promise.what)} (as promised)" for promise in kept[:MAX_LINES]]
    return lines


def coming_next(window: DraftWindow) -> list[str]:
    """Return the open promises due from today to the end of the next period, with dates."""
    found = Commitment.objects.filter(
        client=window.client, status=CommitmentStatus.OPEN, due_on__gte=window.today
    )
    if window.next_period is not None:
        found = found.filter(due_on__lte=window.next_period.end)
    return [
        f"{_one_line(promise.what)}, by {day_words(promise.due_on)}"
        for promise in found.order_by("due_on", "pk")[:MAX_LINES]
    ]


def still_open(window: DraftWindow) -> list[str]:
    """Return every open promise not yet late, soonest first."""
    found = Commitment.objects.filter(
        client=window.client, status=CommitmentStatus.OPEN, due_on__gte=window.today
    ).order_by("due_on", "pk")
    return [
        f"{_one_line(promise.what)}, due {day_words(promise.due_on)}"
        for promise in found[:MAX_LINES]
    ]


def open_questions(window: DraftWindow) -> list[str]:
    """Return questions we asked the client in the period that they have not answered since.

    A question is a sentence of five words or more ending in "?" in something we sent; any
    message from the client after it counts as an answer.
    """
    asked = (
        Interaction.objects.filter(client=window.client, direction=Direction.OUTBOUND)
        .filter(_in_window(window))
        .exclude(pk__in=_report_interaction_ids(window.client))
        .order_by("occurred_at", "pk")
    )
    last_heard = (
        Interaction.objects.filter(client=window.client, direction=Direction.INBOUND)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    questions: list[str] = []
    for interaction in asked:
        if last_heard is not None and last_heard > interaction.occurred_at:
            continue
        for match in _QUESTION_RE.finditer(interaction.body):
            question = _one_line(match.group(0))
            if len(question.split()) >= 5 and question not in questions:
                questions.append(question)
    return questions[:MAX_QUESTIONS]


def assemble_sections(window: DraftWindow) -> Sections:
    """Return a status report's sections for the window."""
    done = work_done(window)
    new_problems = problem_interactions(window)
    return Sections(
        done=done,
        problems=problem_lines(window),
        next=coming_next(window),
        questions=open_questions(window),
        still_open=still_open(window),
        happened=bool(done or new_problems),
    )


# Text of the report --------------------------------------------------------------------------


def first_name(name: str) -> str:
    """Return the name to greet someone by ("Dr Lena Ortiz" is "Lena")."""
    parts = name.split()
    while len(parts) > 1 and parts[0].lower().rstrip(".") in TITLES:
        parts = parts[1:]
    return parts[0] if parts else ""


def recipients_of(client: Client) -> list[Contact]:
    """Return the client's people who receive reports and have an email address, by name."""
    return list(
        Contact.objects.filter(client=client, receives_reports=True)
        .exclude(email="")
        .order_by("name", "pk")
    )


def greeting(people: list[Contact]) -> str:
    """Return "Hi Lena," / "Hi Lena and Sam," / "Hello," for nobody named."""
    names = [n for n in (first_name(p.name) for p in people) if n]
    if not names:
        return "Hello,"
    if len(names) == 1:
        return f"Hi {names[0]},"
    return f"Hi {', '.join(names[:-1])} and {names[-1]},"


def sign_off(workspace: Workspace, author: User | None) -> str:
    """Return the closing lines: the author's name (when known) and the business."""
    name = author.display_name if author is not None and author.name else ""
    lines = ["Best wishes,", name, workspace.name] if name else ["Best wishes,", workspace.name]
    return "  \n".join(lines)


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _section(title: str, body: str) -> str:
    return f"## {title}\n\n{body}" if body.strip() else ""


def status_subject(workspace: Workspace, cadence: str, period_end: dt.date, no_change: bool) -> str:
    """Return a status report's subject: "Weekly update from Acme — no change this week"."""
    title, unit, this = CADENCE_WORDS.get(cadence, CADENCE_WORDS["weekly"])
    if no_change:
        tail = "no change today" if cadence == "daily" else f"no change {this}"
    elif cadence == "daily":
        tail = day_words(period_end)
    else:
        tail = f"{unit} to {short_day(period_end)}"
    return f"{title} update from {workspace.name} — {tail}"


def job_subject(workspace: Workspace, day: dt.date) -> str:
    """Return a job report's subject."""
    return f"Job report from {workspace.name} — {short_day(day)}"


def status_body(
    *,
    cadence: str,
    period: Period,
    greeting_line: str,
    sign_off_lines: str,
    done: str,
    problems: str,
    next_steps: str,
    questions: str,
    no_change: bool = False,
) -> str:
    """Return a status report's whole text, Markdown, from its sections."""
    _title, unit, this = CADENCE_WORDS.get(cadence, CADENCE_WORDS["weekly"])
    start, end = period.start, period.end
    span = day_words(end) if start == end else f"{day_words(start)} to {day_words(end)}"
    if no_change:
        opening = (
            f"No change {this}. Nothing new happened on your work from {span}. "
            "We still wanted you to hear from us."
        )
        parts = [
            _section("Problems", problems),
            _section("What comes next", next_steps),
            _section("Questions for you", questions),
        ]
    else:
        when = "today" if cadence == "daily" else f"this {unit}"
        opening = f"Here is {when}'s update on our work for you, from {span}."
        if start == end:
            opening = f"Here is today's update on our work for you, for {span}."
        parts = [
            _section("What we did", done),
            _section("Problems", problems),
            _section("What comes next", next_steps),
            _section("Questions for you", questions),
        ]
    body = "\n\n".join(part for part in [greeting_line, opening, *parts, sign_off_lines] if part)
    return body + "\n"


def next_lines(sections: Sections, next_period: Period | None, *, no_change: bool) -> list[str]:
    """Return what comes next: promises due (all open ones if nothing changed), the next update."""
    lines = list(sections.still_open if no_change else sections.next)
    if next_period is not None:
        lines.append(f"Our next update comes on {day_words(next_period.end)}.")
    return lines


def job_body(
    *,
    greeting_line: str,
    sign_off_lines: str,
    wrong: str,
    did: str,
    needed: str,
    recommendations: list[dict[str, Any]],
) -> str:
    """Return a job report's whole text, Markdown: exactly its three parts."""
    needed_text = needed.strip()
    dated = [
        f"- {item['what']}: we recommend by {day_words(dt.date.fromisoformat(item['due_on']))}"
        for item in recommendations
    ]
    if dated:
        needed_text = "\n\n".join(part for part in [needed_text, "\n".join(dated)] if part)
    parts = [
        greeting_line,
        "Here is our report on the job.",
        f"## What was wrong\n\n{wrong.strip()}",
        f"## What we did\n\n{did.strip()}",
        f"## What is needed next\n\n{needed_text or 'Nothing more is needed for now.'}",
        sign_off_lines,
    ]
    return "\n\n".join(parts) + "\n"


def bullets(lines: list[str]) -> str:
    """Return Markdown list lines as one section's text."""
    return _bullets(lines)
