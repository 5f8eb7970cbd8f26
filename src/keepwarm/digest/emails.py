"""The daily digest email: a member's agenda as sentences with links, in text and HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from keepwarm.accounts.models import Membership
from keepwarm.agenda.types import DUE, OVERDUE, UPCOMING, AgendaItem

# How each kind is counted in the subject: (one, many) and whether "due"/"overdue" applies.
NOUNS: dict[str, tuple[str, str, bool]] = {
    "reply": ("reply", "replies", True),
    "promise": ("promise", "promises", True),
    "report_due": ("status report", "status reports", True),
    "check_in": ("check-in", "check-ins", True),
    "follow_up": ("follow-up", "follow-ups", True),
    "trust_falling": ("client's trust falling", "clients' trust falling", False),
    "meeting_prep": ("meeting to prepare", "meetings to prepare", False),
    "value_add": ("meeting to follow up", "meetings to follow up", False),
    "personal_date": ("date to remember", "dates to remember", False),
}
SUBJECT_PARTS = 3
GROUPS = ((OVERDUE, "Overdue"), (DUE, "Today"), (UPCOMING, "Coming up"))


@dataclass(frozen=True)
class DigestEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Line:
    sentence: str
    reason: str  # "" when the sentence already says it
    url: str


def absolute(url: str) -> str:
    """Return a link that works from an email: site-relative paths get the site's address."""
    return settings.SITE_URL + url if url.startswith("/") else url


def _count_phrase(kind: str, overdue: bool, n: int) -> str:
    one, many, dated = NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " "), False))
    noun = one if n == 1 else many
    if not dated:
        return f"{n} {noun}"
    return f"{n} {noun} {'overdue' if overdue else 'due'}"


def subject_for(items: Sequence[AgendaItem]) -> str:
    """Return "Your day with Keepwarm: 3 replies due, 2 promises overdue" for these items."""
    counts: dict[tuple[str, bool], int] = {}
    for item in items:  # in agenda order: among equals, the more pressing kind comes first
        group = (item.kind, item.state == OVERDUE and NOUNS.get(item.kind, ("", "", False))[2])
        counts[group] = counts.get(group, 0) + 1
    # Overdue first, then the largest counts: "7 status reports overdue, 3 promises overdue".
    order = sorted(counts.items(), key=lambda pair: (not pair[0][1], -pair[1]))
    parts = [_count_phrase(kind, overdue, n) for (kind, overdue), n in order]
    shown = parts[:SUBJECT_PARTS]
    more = " and more" if len(parts) > SUBJECT_PARTS else ""
    return f"Your day with Keepwarm: {', '.join(shown)}{more}"


def digest_email(
    *,
    membership: Membership,
    items: Sequence[AgendaItem],
    day: dt.date,
    zone: str,
    unsubscribe_url: str,
) -> DigestEmail:
    """Return the digest of `items` for `membership` on its local `day`."""
    groups = [
        (
            title,
            [
                _Line(
                    item.sentence.rstrip("."),
                    "" if item.reason in item.sentence else item.reason,
                    absolute(item.url),
                )
                for item in items
                if item.state == state
            ],
        )
        for state, title in GROUPS
    ]
    subject = subject_for(items)
    send_at = membership.digest_time
    context = {
        "subject": subject,
        "name": membership.user.get_short_name(),
        "workspace": membership.workspace.name,
        "day": day,
        "count": len(items),
        "groups": [(title, lines) for title, lines in groups if lines],
        "today_url": absolute(reverse("today")),
        "settings_url": absolute(reverse("calendar_settings")) + "#digest",
        "unsubscribe_url": unsubscribe_url,
        "send_at": send_at if isinstance(send_at, str) else f"{send_at:%H:%M}",
        "zone": zone,
    }
    return DigestEmail(
        subject=subject,
        text=render_to_string("digest/email/digest.txt", context),
        html=render_to_string("digest/email/digest.html", context),
    )
