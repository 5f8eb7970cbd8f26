"""SQLite: one scope word per workspace and kind ("w12kclient"), not one per workspace.

A workspace's word alone lists every row it has; intersecting it with a common search
word read two long lists. A word per workspace and kind lists only the rows asked for.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from keepwarm.search.schema import sqlite_rebuild_fts

    sqlite_rebuild_fts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_fts_scope")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False)]
