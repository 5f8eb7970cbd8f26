"""Forms for recovery cases and tough topics."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse

from keepwarm.recovery.models import Cause, Side, Step, TopicKind
from keepwarm.recovery.services import SIGNALS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    """What made the client lose trust, and what happened."""

    cause = forms.ChoiceField(
        label="What made them lose trust",
        choices=Cause.choices,
        widget=forms.RadioSelect,
    )
    what_happened = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The facts as you know them so far. You will add theirs in step 2.",
    )
    signal = forms.ChoiceField(
        choices=[("", ""), *((s, s) for s in SIGNALS)], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "case-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class StepForm(forms.Form):
    """Notes on one step, marking it done."""

    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    """A step one side agreed to take."""

    side = forms.ChoiceField(
        label="Who will do it",
        choices=[(Side.OURS, "We will"), (Side.THEIRS, "The client will")],
        widget=forms.RadioSelect,
        initial=Side.OURS,
    )
    text = forms.CharField(
        label="What was agreed",
        max_length=300,
        help_text="Ours become promises in the ledger, with their due date.",
    )
    due_on = forms.DateField(
        label="By when",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed for our steps; optional for the client's.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "action-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class CloseForm(forms.Form):
    """How the case ended."""

    outcome = forms.ChoiceField(
        label="How it ended",
        choices=[("retained", "They stayed with us (retained)"), ("lost", "They left (lost)")],
        widget=forms.RadioSelect,
    )
    closing_note = forms.CharField(
        label="Closing note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What made the difference, and what we learned.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class TopicForm(forms.Form):
    """A tough topic to raise with a client by a date."""

    def with_plain_check(self, client_id: int) -> TopicForm:
        """Check "what to say" for plain language as it is typed, against the client's target."""
        self.fields["what_to_say"].widget.attrs.update(
            {
                "hx-post": reverse("plain_language_check"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#plain-check",
                "hx-vals": json.dumps({"client_id": str(client_id), "plain_field": "what_to_say"}),
                "hx-sync": "this:replace",
            }
        )
        return self

    kind = forms.ChoiceField(label="What it is about", choices=TopicKind.choices)
    what_to_say = forms.CharField(
        label="What to say",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words you will use. Say it from their side, plainly.",
    )
    raise_by = forms.DateField(label="Raise it by", widget=DATE_INPUT)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "topic-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class RaisedForm(forms.Form):
    """How raising a tough topic went."""

    outcome = forms.CharField(
        label="How it went",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What they said and what was decided.",
    )
