from __future__ import annotations

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "keepwarm.agenda"
    label = "agenda"
