"""Forms for logging and editing interactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from keepwarm.clients.models import Contact
from keepwarm.interactions.models import INTERACTION_KINDS, Channel, Direction, Interaction

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def local_input_value(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Return `moment` as a naive wall-clock time in `zone`, as a datetime-local field shows it."""
    return timezone.localtime(moment, zone).replace(tzinfo=None, second=0, microsecond=0)


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError beside the matching fields (or at the top)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        target = name if name in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)


def contact_choices(contacts: Iterable[Contact]) -> list[tuple[str, str]]:
    """Return form choices for a client's people, labelled with their role."""
    return [(str(c.pk), f"{c.name} ({c.role})" if c.role else c.name) for c in contacts]


class InteractionForm(forms.Form):
    """What happened, when, with whom, and what kind of contact it was."""

    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.EMAIL)
    direction = forms.ChoiceField(
        choices=Direction.choices, initial=Direction.OUTBOUND, widget=forms.RadioSelect
    )
    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    contacts = forms.MultipleChoiceField(
        label="People involved",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    kinds = forms.MultipleChoiceField(
        label="What it was about",
        choices=list(INTERACTION_KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_reply = forms.BooleanField(
        label="Needs a reply from us",
        required=False,
        help_text="Only for messages from the client.",
    )

    def __init__(
        self,
        *args: Any,
        contacts: Iterable[Contact],
        zone: dt.tzinfo,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "timeline-%s")
        super().__init__(*args, **kwargs)
        self.people = {str(c.pk): c for c in contacts}
        contacts_field = self.fields["contacts"]
        assert isinstance(contacts_field, forms.MultipleChoiceField)
        contacts_field.choices = contact_choices(self.people.values())
        self.fields["occurred_at"].help_text = f"Your time zone: {zone}."
        if "occurred_at" not in self.initial:
            self.initial["occurred_at"] = local_input_value(timezone.now(), zone)

    @classmethod
    def for_interaction(
        cls, interaction: Interaction, *, contacts: Iterable[Contact], zone: dt.tzinfo
    ) -> InteractionForm:
        """Return an unbound form showing what was logged about `interaction`."""
        initial = {
            "channel": interaction.channel,
            "direction": interaction.direction,
            "occurred_at": local_input_value(interaction.occurred_at, zone),
            "contacts": [str(c.pk) for c in interaction.contacts.all()],
            "subject": interaction.subject,
            "body": interaction.body,
            "kinds": interaction.kinds,
            "needs_reply": interaction.needs_reply,
        }
        return cls(initial=initial, contacts=contacts, zone=zone, auto_id="edit-%s")

    def service_data(self) -> dict[str, Any]:
        """Return the cleaned data as keyword arguments for the interaction services."""
        data = self.cleaned_data
        kinds = set(data["kinds"])
        return {
            "channel": data["channel"],
            "direction": data["direction"],
            "occurred_at": data["occurred_at"],
            "subject": data["subject"].strip(),
            "body": data["body"].strip(),
            "needs_reply": data["needs_reply"],
            **{f"is_{kind}": kind in kinds for kind in INTERACTION_KINDS},
        }

    def chosen_contacts(self) -> list[Contact]:
        """Return the people ticked on the form."""
        return [self.people[pk] for pk in self.cleaned_data["contacts"]]


# Service field names that the form shows under another name.
SERVICE_FIELD_ALIASES = {f"is_{kind}": "kinds" for kind in INTERACTION_KINDS}
