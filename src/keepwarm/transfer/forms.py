"""Forms of the import pages: the upload, and which column fills which field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.html import escape

from keepwarm.transfer.fields import CLIENT_FIELDS, CONTACT_FIELDS, FIELDS, IGNORE, check_mapping
from keepwarm.transfer.models import Source

FIELD_CHOICES = [
    (IGNORE, "Ignore this column"),
    ("Client", [(f.key, f.label) for f in CLIENT_FIELDS]),
    ("Person at the client", [(f.key, f.label) for f in CONTACT_FIELDS]),
]


class UploadForm(forms.Form):
    """A file to import and what kind of file it is."""

    source = forms.ChoiceField(
        label="What is in the file",
        choices=[
            (Source.CSV, "Clients and people (CSV)"),
            (Source.VCARD, "People (vCard, .vcf)"),
            (Source.ICS, "Meetings (calendar, .ics)"),
        ],
        widget=forms.RadioSelect,
        initial=Source.CSV,
    )
    file = forms.FileField(
        label="File",
        help_text="Nothing is saved until you have checked what the import would do.",
    )
    program = forms.CharField(
        label="Exported from",
        required=False,
        max_length=70,
        help_text="For a CSV with id columns: the program it came from, such as HubSpot. "
        "Its ids are then kept apart from another program's.",
    )

    @classmethod
    def refused(cls, message: str) -> UploadForm:
        """Return an empty form showing `message` beside the file field, without the post."""
        form = cls()
        # add_error needs the state a validation pass leaves behind; there was none.
        form.cleaned_data = {}
        form._errors = ErrorDict()  # type: ignore[attr-defined]
        form.add_error("file", message)
        return form


class MappingForm(forms.Form):
    """One choice per column of the uploaded CSV: the field it fills, or ignore it."""

    def __init__(
        self, *args: Any, headers: list[str], samples: list[list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            values = [row[index] for row in samples if index < len(row) and row[index].strip()]
            hint = (
                "For example: " + ", ".join(f"“{v[:40]}”" for v in values[:3])
                if values
                else "Empty in the first rows."
            )
            self.fields[name] = forms.ChoiceField(
                label=header or f"Column {index + 1} (no header)",
                choices=FIELD_CHOICES,
                required=False,
                # The shared field template prints hints as HTML: the file's text is escaped.
                help_text=escape(hint),
            )
            self.columns.append(name)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or IGNORE for name in self.columns]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [cleaned.get(name) or IGNORE for name in self.columns]
        for key in set(chosen) - {IGNORE}:
            columns = [n for n, k in zip(self.columns, chosen, strict=True) if k == key]
            if len(columns) > 1:
                for name in columns:
                    self.add_error(name, f"Only one column can fill “{FIELDS[key].label}”.")
        for problem in check_mapping(chosen):
            if not problem.startswith("Only one column"):
                self.add_error(None, problem)
        return cleaned
