from __future__ import annotations

from django.apps import AppConfig


class BriefConfig(AppConfig):
    name = "keepwarm.brief"
    label = "brief"
    verbose_name = "Meeting-prep brief"
