"""The `keepwarm` console script: Django's management with Keepwarm's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (`keepwarm demo`, `keepwarm migrate`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keepwarm.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keepwarm", *(sys.argv[1:] if argv is None else argv)])
