"""Forms for feedback: the client's answer, asking a client, and the quiet period."""

from __future__ import annotations

from typing import Any

from django import forms

from keepwarm.clients.models import Contact
from keepwarm.feedback.models import SCORE_RANGE, FeedbackKind, FeedbackSettings, FeedbackSource
from keepwarm.feedback.services import COMMENT_MAX, scale_words


class AnswerForm(forms.Form):
    """A score, with an optional comment; used on the answer page and the portal."""

    score = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, error_messages={"required": "Choose a number."}
    )
    comment = forms.CharField(
        label="Anything you would like to add?",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, kind: str, question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = SCORE_RANGE[kind]
        low_words, high_words = scale_words(kind)
        field = self.fields["score"]
        assert isinstance(field, forms.TypedChoiceField)
        field.label = question
        field.help_text = f"{low} means {low_words}, {high} means {high_words}."
        field.choices = [(n, str(n)) for n in range(low, high + 1)]


class AskForm(forms.Form):
    """Choose how to ask, who, and which question."""

    via = forms.ChoiceField(
        label="How to ask",
        choices=[
            (FeedbackSource.EMAIL, "By email, with one link per answer"),
            (FeedbackSource.PORTAL, "On their portal, the next time they open it"),
        ],
        initial=FeedbackSource.EMAIL,
        widget=forms.RadioSelect,
    )
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label="Who to ask",
        required=False,
        help_text="Only people with an email address are listed. Needed for email; on the "
        "portal, whoever opens it answers.",
    )
    kind = forms.ChoiceField(
        label="Question",
        choices=FeedbackKind.choices,
        initial=FeedbackKind.NPS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, contacts: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Contact.objects.filter(pk__in=[c.pk for c in contacts]).order_by("name")


class FeedbackSettingsForm(forms.ModelForm):
    class Meta:
        model = FeedbackSettings
        fields = ["quiet_days"]
        labels = {"quiet_days": "Quiet period, in days"}
