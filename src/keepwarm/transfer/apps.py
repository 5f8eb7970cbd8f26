from __future__ import annotations

from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "keepwarm.transfer"
    label = "transfer"
