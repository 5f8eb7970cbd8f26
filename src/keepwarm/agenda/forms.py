"""Forms for Today: the filters, and the snooze and dismiss actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms

from keepwarm.agenda.types import KINDS
from keepwarm.agenda.words import day_words

MINE, TEAM = "mine", "team"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgendaFilterForm(forms.Form):
    """Whose items, which kind, which client."""

    who = forms.ChoiceField(
        label="Whose",
        choices=[(MINE, "Mine"), (TEAM, "Whole team")],
        required=False,
        initial=MINE,
        help_text="Mine: clients you own, and clients nobody owns yet.",
    )
    kind = forms.ChoiceField(label="Kind", required=False)
    client = forms.ChoiceField(label="Client", required=False)

    def __init__(
        self,
        *args: Any,
        counts: dict[str, int] | None = None,
        clients: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        counts = counts or {}
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [
            ("", "Every kind"),
            *((key, f"{label} ({counts.get(key, 0)})") for key, label in KINDS.items()),
        ]
        client = self.fields["client"]
        assert isinstance(client, forms.ChoiceField)
        client.choices = [("", "Every client"), *((str(pk), name) for pk, name in clients)]

    def chosen(self) -> tuple[bool, str, int | None]:
        """Return (mine, kind, client id) from what was asked, ignoring anything unknown."""
        data = self.data
        mine = data.get("who", MINE) != TEAM
        kind = data.get("kind", "")
        kind = kind if kind in KINDS else ""
        raw = str(data.get("client", ""))
        client_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
        return mine, kind, client_id


def snooze_choices(today: dt.date) -> list[tuple[str, dt.date]]:
    """Return the quick snooze choices: tomorrow, in 3 days, next Monday, in 2 weeks."""
    monday = today + dt.timedelta(days=7 - today.weekday())
    choices = [
        ("Tomorrow", today + dt.timedelta(days=1)),
        ("In 3 days", today + dt.timedelta(days=3)),
        (f"Next Monday ({day_words(monday, today)})", monday),
        ("In 2 weeks", today + dt.timedelta(days=14)),
    ]
    seen: set[dt.date] = set()
    unique = []
    for label, day in choices:
        if day not in seen:
            seen.add(day)
            unique.append((label, day))
    return sorted(unique, key=lambda pair: pair[1])


class SnoozeForm(forms.Form):
    """Until which day an item stays away."""

    until = forms.DateField(label="Snooze until", widget=DATE_INPUT)
    reason = forms.CharField(label="Why (optional)", max_length=300, required=False)
