"""Forms of the writing helpers: the plain-language glossary."""

from __future__ import annotations

from django import forms


class GlossaryForm(forms.Form):
    """The workspace's glossary: terms its clients use and know, one per line."""

    glossary = forms.CharField(
        label="Glossary",
        required=False,
        max_length=100_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="One term per line, such as “sourdough” or “root canal”. Capitals do not "
        "matter, and a term covers its plural: “plugin” covers “plugins”.",
    )
