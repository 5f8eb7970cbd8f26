"""Forms a client fills in on the portal, and the feedback answer form."""

from __future__ import annotations

from django import forms

from keepwarm.portal.services import TEXT_MAX


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="What worries you?",
        help_text="Tell us in your own words. We will get back to you.",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a few words about what worries you."},
    )


class GoalCommentForm(forms.Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Is this right?",
        help_text="For example: not quite, we care more about …",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a few words about this goal."},
    )
