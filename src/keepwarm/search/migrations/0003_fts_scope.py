"""SQLite: a contentless FTS5 table that also indexes each row's workspace and kind.

Filtering by workspace and kind inside the index keeps a broad word in a large workspace
from reading every matching row. PostgreSQL keeps its generated tsvector column as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from keepwarm.search.schema import sqlite_rebuild_fts

    sqlite_rebuild_fts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_triggers")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False)]
