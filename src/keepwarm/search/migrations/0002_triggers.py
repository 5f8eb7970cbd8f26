"""Create the full-text index and the triggers that keep it, and index the existing rows."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from keepwarm.search.schema import install

    install(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from keepwarm.search.schema import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("clients", "0002_client_report_auto_send_no_change_and_more"),
        ("interactions", "0002_interaction_interaction_ws_reply_and_more"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
