from __future__ import annotations

from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "keepwarm.digest"
    label = "digest"
