"""Forms for mailbox accounts."""

from __future__ import annotations

from typing import Any

from django import forms

from keepwarm.mailboxes.models import Security


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "autocapitalize": "off"})


class MailboxForm(forms.Form):
    """Add or change a mailbox; the password box is always empty when shown."""

    name = forms.CharField(
        label="Name", max_length=100, help_text="What the team calls it, such as “Studio inbox”."
    )
    host = forms.CharField(
        label="IMAP server",
        max_length=253,
        help_text="The host name your mail provider gives for IMAP, such as imap.fastmail.com.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )
    security = forms.ChoiceField(
        label="Security",
        choices=Security.choices,
        initial=Security.TLS,
        widget=forms.RadioSelect,
    )
    port = forms.IntegerField(
        label="Port", min_value=1, max_value=65535, initial=993,
        help_text="993 for TLS, 143 for STARTTLS, unless your provider says otherwise.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    username = forms.CharField(
        label="Username",
        max_length=254,
        help_text="Usually the full email address.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )
    password = forms.CharField(
        label="Password or app password",
        strip=False,
        required=False,
        max_length=1000,
        help_text="Gmail, iCloud and Outlook want an app password made in their security "
        "settings, not your usual password. Stored encrypted; never shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    inbound_folders = forms.CharField(
        label="Folders with received mail",
        initial="INBOX",
        help_text="One per line. Messages here are from clients to us.",
        widget=_textarea(),
    )
    sent_folders = forms.CharField(
        label="Folders with sent mail",
        required=False,
        help_text="One per line, such as Sent. They give our replies, which answer the "
        "received mail. “Test connection” finds the server's sent folder for you.",
        widget=_textarea(),
    )
    our_addresses = forms.CharField(
        label="Our addresses",
        help_text="One per line: the addresses we write from. Mail from them is ours.",
        widget=_textarea(),
    )
    enabled = forms.BooleanField(
        label="Read this mailbox every few minutes", required=False, initial=True
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields[
                "password"
            ].help_text = "Leave empty to keep the saved password. Type a new one to replace it."

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "host": data["host"],
            "port": data["port"],
            "security": data["security"],
            "username": data["username"],
            "password": data["password"],
            "inbound_folders": _lines(data["inbound_folders"]),
            "sent_folders": _lines(data["sent_folders"]),
            "our_addresses": _lines(data["our_addresses"]),
            "enabled": data["enabled"],
        }


class PrivateHostsForm(forms.Form):
    allow_private_hosts = forms.BooleanField(
        label="Allow mail servers on private networks",
        required=False,
        help_text="Needed for a mail server on this machine or your own network (such as "
        "192.168.x.x or localhost). Leave off otherwise: it stops a mailbox setting from "
        "being used to reach machines inside your network.",
    )
