from __future__ import annotations

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "keepwarm.trust"
    label = "trust"
