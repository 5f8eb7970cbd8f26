from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_triggers(using: str = "default", **kwargs: Any) -> None:
    # SQLite rebuilds a table for many schema changes (a new NOT NULL column, an altered
    # field), and dropping the old table drops its triggers with it. Put them back, and
    # re-index what they missed, after every migrate.
    from django.db import connections

    from keepwarm.search.schema import ensure_triggers

    ensure_triggers(connections[using])


class SearchConfig(AppConfig):
    name = "keepwarm.search"
    label = "search"

    def ready(self) -> None:
        post_migrate.connect(_repair_triggers, sender=self)
