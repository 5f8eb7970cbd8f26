from __future__ import annotations

from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "keepwarm.mailboxes"
    label = "mailboxes"
    verbose_name = "Mailboxes"
