"""Forms of the trust pages: felt closeness and the workspace's weights and thresholds."""

from __future__ import annotations

from typing import Any

from django import forms

from keepwarm.trust.models import BAND_ORDER, TrustSettings
from keepwarm.trust.scoring import COMPONENT_LABELS

WEIGHT_HINTS = {
    "responsiveness": "How quickly you first answer client messages that need a reply, "
    "against each client's reply target (the slowest quarter of the last 90 days).",
    "update_consistency": "Scheduled status reports of the last 90 days sent on time "
    "(within the grace period after they were due); late or missing ones count against it.",
    "promise_reliability": "Promises due in the last 180 days: kept on time counts fully, "
    "kept late half, broken or still overdue not at all.",
    "contact_recency": "Days since you last reached out or spoke, against each client's "
    "check-in cadence.",
    "sentiment": "The tone of the client's own messages over the last 180 days, recent "
    "ones counting most.",
    "feedback": "The client's latest NPS or CSAT answer; its pull away from neutral halves "
    "every 90 days, and after a year it no longer counts.",
    "personal_touch": "Personal touches and useful extras you sent in the last 90 days; "
    "three or more score full marks.",
}
WEIGHT_FIELDS = {
    f"weight_{key}": (COMPONENT_LABELS[key], hint) for key, hint in WEIGHT_HINTS.items()
}

THRESHOLD_FIELDS = {
    "cool_from": ("Cool from", "The lowest score that counts as Cool; below it a client is Cold."),
    "warming_from": ("Warming from", "The lowest score that counts as Warming."),
    "warm_from": ("Warm from", "The lowest score that counts as Warm."),
    "close_from": ("Close from", "The lowest score that counts as Close, the warmest band."),
}

SETTINGS_FIELDS = [*WEIGHT_FIELDS, *THRESHOLD_FIELDS]


class TrustSettingsForm(forms.Form):
    """The workspace's component weights and band thresholds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, hint) in {**WEIGHT_FIELDS, **THRESHOLD_FIELDS}.items():
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text=hint,
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @classmethod
    def initial_from(cls, settings: TrustSettings) -> dict[str, int]:
        """Return the form's initial values from the stored settings."""
        return {name: getattr(settings, name) for name in SETTINGS_FIELDS}

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in WEIGHT_FIELDS]

    def threshold_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in THRESHOLD_FIELDS]


class FeltClosenessForm(forms.Form):
    """How close the relationship feels, in the band words, with an optional note."""

    band = forms.ChoiceField(
        label="How close does it feel?",
        choices=[(band.value, band.label) for band in BAND_ORDER],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the word that fits how close it feels."},
    )
    note = forms.CharField(
        label="Why it feels that way",
        required=False,
        max_length=300,
        help_text="A few words for your teammates, such as “Lena sounded tired of us”.",
    )
