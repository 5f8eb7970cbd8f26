"""Forms of the Inbox pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from keepwarm.clients.models import Client, Weekday
from keepwarm.mail.models import MailSettings


class AssignForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        label="Client",
        empty_label="Choose a client",
        error_messages={"required": "Choose the client this email belongs to."},
    )

    def __init__(self, *args: Any, workspace_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["client"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Client.objects.filter(workspace_id=workspace_id).order_by("name")


class BusinessHoursForm(forms.Form):
    business_hours_enabled = forms.BooleanField(
        required=False,
        label="Count response times in business hours only",
        help_text="Off: every hour counts, nights and weekends too.",
    )
    business_days = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Days we work",
        error_messages={"required": "Choose at least one day of the week."},
    )
    opens_at = forms.TimeField(label="Opens at", widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label="Closes at", widget=forms.TimeInput(attrs={"type": "time"}))

    @classmethod
    def for_settings(cls, settings: MailSettings) -> BusinessHoursForm:
        return cls(
            initial={
                "business_hours_enabled": settings.business_hours_enabled,
                "business_days": sorted(settings.days),
                "opens_at": settings.opens_at,
                "closes_at": settings.closes_at,
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if isinstance(opens, dt.time) and isinstance(closes, dt.time) and closes <= opens:
            self.add_error("closes_at", "Closing time must be after opening time.")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "business_hours_enabled": data["business_hours_enabled"],
            "business_days": "".join(str(d) for d in sorted(data["business_days"])),
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
        }
