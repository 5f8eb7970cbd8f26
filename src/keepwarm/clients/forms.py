"""Forms for the client record: they parse and check input shape; services do the writes."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from keepwarm.accounts.models import Membership, User
from keepwarm.clients.models import (
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    DateKind,
    FactCategory,
    GoalPriority,
    GoalStatus,
    PreferredChannel,
    ReportCadence,
    Weekday,
)
from keepwarm.clients.selectors import CLIENT_SORTS
from keepwarm.trust.models import BAND_ORDER
from keepwarm.trust.selectors import NO_BAND, SCORE_SORTS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Return every time zone this machine knows as choices, UTC first."""
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n and n != "UTC")
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field errors beside the form's fields, the rest at the top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class MemberChoiceField(forms.ModelChoiceField):
    """A choice of the workspace's members, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def workspace_members(membership: Membership) -> Any:
    """Return the users of the member's workspace, by name."""
    return User.objects.filter(memberships__workspace_id=membership.workspace_id).order_by(
        "name", "email"
    )


class ClientFilterForm(forms.Form):
    """The search, filters and sort of the clients list."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, person or email", "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ClientStatus.choices]
    )
    owner = MemberChoiceField(
        label="Owner", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    band = forms.ChoiceField(
        label="Band",
        required=False,
        choices=[
            ("", "Any band"),
            *((band.value, band.label) for band in BAND_ORDER),
            (NO_BAND, "Not enough history yet"),
        ],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in [*CLIENT_SORTS, *SCORE_SORTS]],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workspace_members(membership)  # type: ignore[attr-defined]

    def chosen(self, name: str) -> Any:
        """Return a filter's valid value, or None when it is missing or invalid."""
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get(name) or None


class ContactChoiceField(forms.ModelChoiceField):
    """A choice of the workspace's people, shown with their client: "Lena Ortiz (Harbor Dental)"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.client.name})"


class ClientForm(forms.Form):
    """Everything we record about a client, grouped as the form shows it."""

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(
        label="Type", choices=ClientKind.choices, initial=ClientKind.ORGANISATION
    )
    status = forms.ChoiceField(choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    industry = forms.CharField(
        max_length=100, required=False, help_text="Such as dental practice, bakery or charity."
    )
    website = forms.URLField(
        required=False, assume_scheme="https", help_text="Such as https://example.com"
    )
    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="The teammate who looks after this client.",
    )
    referred_by = forms.ModelChoiceField(
        label="Referred by",
        queryset=Client.objects.none(),
        required=False,
        empty_label="Nobody",
        help_text="The client who sent them our way, if any.",
    )
    referred_by_contact = ContactChoiceField(
        label="Person who referred them",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Nobody in particular",
        help_text="Someone at the referring client, if you know who it was.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    response_target_hours = forms.IntegerField(
        label="Reply within (hours)",
        min_value=1,
        max_value=24 * 30,
        initial=24,
        help_text="How quickly we aim to answer a message from them.",
    )
    check_in_every_days = forms.IntegerField(
        label="Check in every (days)",
        min_value=1,
        max_value=365,
        initial=14,
        help_text="The longest we let pass without getting in touch.",
    )
    plain_language_target = forms.IntegerField(
        label="Plain-language target",
        min_value=0,
        max_value=100,
        initial=60,
        help_text="Lowest reading ease (0 to 100) for what we send them; 60 is plain English.",
    )

    report_cadence = forms.ChoiceField(
        label="How often", choices=ReportCadence.choices, initial=ReportCadence.NONE
    )
    report_weekday = forms.TypedChoiceField(
        label="On",
        choices=Weekday.choices,
        coerce=int,
        initial=Weekday.FRIDAY,
        help_text="For weekly, fortnightly and monthly reports (monthly: the first one in the "
        "month). Daily reports go out Monday to Friday.",
    )
    report_time = forms.TimeField(
        label="At",
        initial="16:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    report_time_zone = forms.ChoiceField(
        label="Time zone", choices=time_zone_choices, help_text="Reports go out on their clock."
    )
    report_auto_send_no_change = forms.BooleanField(
        label="A “no change” report may go out without review",
        required=False,
        help_text="Only when nothing happened and nothing is late; anything else waits for you.",
    )

    annual_value = forms.DecimalField(
        label="Annual value",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        help_text="Yearly revenue from this client; used only by the fairness report.",
    )

    FIELDSETS = (
        (
            "Basics",
            (
                "name",
                "kind",
                "status",
                "industry",
                "website",
                "owner",
                "referred_by",
                "referred_by_contact",
                "notes",
            ),
        ),
        (
            "Relationship targets",
            ("response_target_hours", "check_in_every_days", "plain_language_target"),
        ),
        (
            "Status reports",
            (
                "report_cadence",
                "report_weekday",
                "report_time",
                "report_time_zone",
                "report_auto_send_no_change",
            ),
        ),
        ("Money", ("annual_value",)),
    )

    def __init__(
        self, *args: Any, membership: Membership, client: Client | None = None, **kwargs: Any
    ) -> None:
        if client is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(client, name) for name in self.base_fields}
        elif client is None:
            workspace = membership.workspace
            kwargs.setdefault(
                "initial",
                {
                    "owner": membership.user_id,
                    "report_time_zone": workspace.time_zone,
                    "response_target_hours": workspace.default_response_target_hours,
                    "check_in_every_days": workspace.default_check_in_every_days,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workspace_members(membership)  # type: ignore[attr-defined]
        others = Client.objects.filter(workspace_id=membership.workspace_id).order_by("name")
        if client is not None:
            others = others.exclude(pk=client.pk)
        self.fields["referred_by"].queryset = others.only("pk", "name")  # type: ignore[attr-defined]
        people = Contact.objects.filter(workspace_id=membership.workspace_id)
        if client is not None:
            people = people.exclude(client=client)
        self.fields["referred_by_contact"].queryset = people.select_related("client").order_by(  # type: ignore[attr-defined]
            "client__name", "name", "pk"
        )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Return the form's fields in their groups."""
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the client's name.")
        return name


def _clean_lines(value: str, check: Any) -> str:
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    for line in lines:
        check(line)
    return "\n".join(lines)


class ContactForm(forms.Form):
    """A person at a client."""

    name = forms.CharField(max_length=200)
    role = forms.CharField(
        max_length=120, required=False, help_text="Such as owner, office manager or accountant."
    )
    email = forms.EmailField(label="Email", required=False)
    other_emails = forms.CharField(
        label="Other email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One address per line.",
    )
    phone = forms.CharField(max_length=40, required=False)
    other_phones = forms.CharField(
        label="Other phone numbers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One number per line.",
    )
    preferred_channel = forms.ChoiceField(
        label="Prefers to hear from us by",
        choices=PreferredChannel.choices,
        initial=PreferredChannel.EMAIL,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    receives_reports = forms.BooleanField(
        label="Receives reports",
        required=False,
        help_text="Status and job reports are emailed to this person.",
    )

    def __init__(self, *args: Any, contact: Any = None, **kwargs: Any) -> None:
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(contact, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the person's name.")
        return name

    def clean_other_emails(self) -> str:
        def check(line: str) -> None:
            try:
                validate_email(line)
            except ValidationError:
                raise ValidationError(
                    f"“{line}” is not an email address; put one address on each line."
                ) from None

        return _clean_lines(self.cleaned_data["other_emails"], check)

    def clean_other_phones(self) -> str:
        def check(line: str) -> None:
            if len(line) > 40:
                raise ValidationError("Put one phone number on each line.")

        return _clean_lines(self.cleaned_data["other_phones"], check)


class FactForm(forms.Form):
    """Something worth remembering about a person."""

    category = forms.ChoiceField(choices=FactCategory.choices)
    text = forms.CharField(
        label="What to remember",
        max_length=500,
        help_text="Such as “Son Tyrone plays in the county final”.",
    )
    date = forms.DateField(
        label="When it happens", required=False, widget=DATE_WIDGET, help_text="If it has a day."
    )
    follow_up_on = forms.DateField(
        label="Ask about it on",
        required=False,
        widget=DATE_WIDGET,
        help_text="We will remind you that day.",
    )

    def __init__(self, *args: Any, fact: Any = None, **kwargs: Any) -> None:
        if fact is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(fact, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write what to remember.")
        return text


class DateForm(forms.Form):
    """A date to remember for a person."""

    kind = forms.ChoiceField(choices=DateKind.choices)
    label = forms.CharField(
        max_length=200, required=False, help_text="Such as “Wedding anniversary”."
    )
    date = forms.DateField(widget=DATE_WIDGET)
    yearly = forms.BooleanField(
        label="Every year", required=False, initial=True, help_text="Untick for a one-off event."
    )

    def __init__(self, *args: Any, day: Any = None, **kwargs: Any) -> None:
        if day is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(day, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


class GoalForm(forms.Form):
    """One of the client's goals."""

    text = forms.CharField(
        label="Goal", max_length=500, help_text="Such as “More bookings from the website”."
    )
    priority = forms.TypedChoiceField(
        choices=GoalPriority.choices, coerce=int, initial=GoalPriority.MEDIUM
    )
    status = forms.ChoiceField(choices=GoalStatus.choices, initial=GoalStatus.ACTIVE)

    def __init__(self, *args: Any, goal: Any = None, **kwargs: Any) -> None:
        if goal is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(goal, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write the goal.")
        return text


class ResourceForm(forms.Form):
    """A link or a note for the resource library, with the industries and topics it suits."""

    title = forms.CharField(max_length=200, help_text="What it is, in a few words.")
    url = forms.URLField(
        label="Link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Such as https://example.com/guide. Leave empty for a note of your own.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="A tip in your own words, or why the link is worth reading.",
    )
    industries = forms.CharField(
        max_length=800,
        required=False,
        help_text="Separate with commas, such as: dental, bakery. It is suggested to clients "
        "whose industry names one of them.",
    )
    topics = forms.CharField(
        max_length=800,
        required=False,
        help_text="Separate with commas, such as: online reviews, bookings. It is suggested to "
        "clients with a goal that mentions one of them.",
    )

    def __init__(self, *args: Any, resource: Any = None, **kwargs: Any) -> None:
        if resource is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": resource.title,
                "url": resource.url,
                "note": resource.note,
                "industries": ", ".join(resource.tag_names("industry")),
                "topics": ", ".join(resource.tag_names("topic")),
            }
        super().__init__(*args, **kwargs)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Enter a title.")
        return title
