"""Forms of the outbox pages."""

from __future__ import annotations

from django import forms

from keepwarm.messaging.models import MessageState
from keepwarm.messaging.selectors import ATTENTION

STATE_CHOICES = [
    ("", "All emails"),
    (ATTENTION, "Needs attention (failed or uncertain)"),
    *MessageState.choices,
]


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(label="Show", choices=STATE_CHOICES, required=False)
