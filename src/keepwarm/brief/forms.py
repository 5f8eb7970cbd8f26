"""Forms for sharing a resource and thanking a referrer; the services do the writes."""

from __future__ import annotations

from typing import Any

from django import forms

from keepwarm.brief.services import THANK_CHANNELS
from keepwarm.clients.models import Client, Contact


class ShareForm(forms.Form):
    """The short message that goes with a resource, to whom, and whether we email it."""

    contact = forms.ModelChoiceField(
        label="To",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Nobody in particular",
    )
    subject = forms.CharField(max_length=300, required=False)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 9}), max_length=5000)
    send_email = forms.BooleanField(
        label="Send by email",
        required=False,
        help_text="Keepwarm emails it to the person above, with replies coming to you. "
        "Leave it unticked when you share it yourself; it is logged either way.",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = client.contacts.order_by("name", "pk")  # type: ignore[attr-defined]


class ThankForm(forms.Form):
    """How we thanked a referrer, and a note for the timeline."""

    channel = forms.ChoiceField(
        label="How you thanked them",
        choices=[(c.value, c.label) for c in THANK_CHANNELS],
        initial=THANK_CHANNELS[0].value,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you said or sent, for the timeline.",
    )
