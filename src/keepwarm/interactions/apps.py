from __future__ import annotations

from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "keepwarm.interactions"
    label = "interactions"
