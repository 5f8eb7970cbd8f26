"""Forms of the reports pages: they parse and check input shape; services do the writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from keepwarm.clients.models import ReportCadence, Weekday
from keepwarm.reports.models import ReportKind, ReportSettings, ReportState

RECOMMENDATION_ROWS = 3
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportEditForm(forms.Form):
    """A report's subject and text, as the client will read it."""

    subject = forms.CharField(
        max_length=300,
        help_text="What the client sees in their inbox; say what it is.",
        error_messages={"required": "Give the email a subject."},
    )
    body_markdown = forms.CharField(
        label="The report",
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        help_text="Write it as you would an email. Start a line with ## for a heading and - "
        "for a list item; a blank line starts a new paragraph.",
        error_messages={"required": "Write the report."},
    )
    confirm_below_target = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_subject(self) -> str:
        subject: str = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError("Give the email a subject.")
        return subject

    def clean_body_markdown(self) -> str:
        body: str = self.cleaned_data["body_markdown"].replace("\r\n", "\n").strip()
        if not body:
            raise ValidationError("Write the report.")
        return body + "\n"


class ScheduleForm(forms.Form):
    """When a reviewed report goes out, in the member's own time zone."""

    scheduled_for = forms.DateTimeField(
        label="Send it on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your time zone.",
        error_messages={"required": "Choose when to send it.", "invalid": "Give a date and time."},
    )


class JobReportForm(forms.Form):
    """A job report: exactly three parts, and dates we recommend for what comes next."""

    wrong_md = forms.CharField(
        label="What was wrong",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you found, in words the client uses.",
        error_messages={"required": "Say what was wrong."},
    )
    did_md = forms.CharField(
        label="What we did",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you did to put it right.",
        error_messages={"required": "Say what you did."},
    )
    needed_md = forms.CharField(
        label="What is needed next",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything bigger that needs doing later, or leave it empty if nothing is.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(RECOMMENDATION_ROWS):
            self.fields[f"rec_what_{row}"] = forms.CharField(
                label=f"Recommendation {row + 1}", required=False, max_length=300
            )
            self.fields[f"rec_date_{row}"] = forms.DateField(
                label=f"By {row + 1}", required=False, widget=DATE_WIDGET
            )

    def recommendation_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"rec_what_{row}"], self[f"rec_date_{row}"]) for row in range(RECOMMENDATION_ROWS)
        ]

    def part_fields(self) -> list[forms.BoundField]:
        return [self["wrong_md"], self["did_md"], self["needed_md"]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in range(RECOMMENDATION_ROWS):
            what = (cleaned.get(f"rec_what_{row}") or "").strip()
            due = cleaned.get(f"rec_date_{row}")
            if what and due is None and f"rec_date_{row}" not in self.errors:
                self.add_error(f"rec_date_{row}", f"Give a date for “{what}”, or leave both empty.")
            if due is not None and not what:
                self.add_error(f"rec_what_{row}", "Say what you recommend for this date.")
        return cleaned

    def recommendations(self) -> list[dict[str, Any]]:
        """Return the filled-in recommendations as the service takes them."""
        items = []
        for row in range(RECOMMENDATION_ROWS):
            what = (self.cleaned_data.get(f"rec_what_{row}") or "").strip()
            due: dt.date | None = self.cleaned_data.get(f"rec_date_{row}")
            if what and due is not None:
                items.append({"what": what, "due_on": due.isoformat()})
        return items


class ReportSettingsForm(forms.Form):
    """The workspace's report defaults and grace period."""

    default_cadence = forms.ChoiceField(
        label="How often",
        choices=ReportCadence.choices,
        help_text="Daily reports go out Monday to Friday; monthly ones on the first chosen "
        "weekday of the month.",
    )
    default_weekday = forms.TypedChoiceField(
        label="On",
        choices=Weekday.choices,
        coerce=int,
        help_text="For weekly, fortnightly and monthly reports.",
    )
    default_time = forms.TimeField(
        label="At",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In each client's own time zone.",
    )
    default_auto_send_no_change = forms.BooleanField(
        label="“No change” reports may go out without review",
        required=False,
        help_text="Only when nothing happened and nothing is late; anything else waits for you.",
    )
    grace_hours = forms.IntegerField(
        label="Overdue after (hours)",
        min_value=0,
        max_value=24 * 14,
        help_text="How long a due report may wait before it shows as overdue. Applies to every "
        "client.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    @classmethod
    def initial_from(cls, settings: ReportSettings) -> dict[str, Any]:
        """Return the form's initial values from the stored settings."""
        return {name: getattr(settings, name) for name in cls.base_fields}


class ReportFilterForm(forms.Form):
    """The filters of the Reports list."""

    q = forms.CharField(
        label="Client",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Client name"}),
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *ReportState.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ReportKind.choices]
    )

    def chosen(self, name: str) -> str:
        """Return a filter's valid value, or "" when it is missing or invalid."""
        cleaned = getattr(self, "cleaned_data", {})
        return str(cleaned.get(name) or "")
