"""Forms of the digest settings; they check shape, the services check rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html


class DigestForm(forms.Form):
    """Whether the member gets the daily digest, and at what local time."""

    enabled = forms.BooleanField(label="Email me my agenda each day", required=False)
    send_at = forms.TimeField(
        label="Time to send it",
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={
            "required": "Enter a time, such as 08:00.",
            "invalid": "Enter a time as hours and minutes, such as 08:00.",
        },
    )

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["send_at"].help_text = format_html(
            'In your time zone, {} (<a href="{}">change it</a>). '
            "It arrives within a few minutes of this time.",
            zone,
            reverse("account_settings"),
        )
