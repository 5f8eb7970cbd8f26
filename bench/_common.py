"""Shared helpers for the benchmarks: Django set-up, database facts and timing."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKSPACE_NAME = "Keepwarm bench"
# Wide enough for the tables when the output goes to a file, as for RESULTS.md.
console = Console(width=None if sys.stdout.isatty() else 100)


def setup_django() -> None:
    """Configure Django with Keepwarm's normal settings (env: KEEPWARM_DATA_DIR, ...)."""
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keepwarm.settings")
    import django

    django.setup()


def migrate_if_needed() -> bool:
    """Apply pending migrations; return whether any were applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    with console.status("Applying migrations"):
        call_command("migrate", verbosity=0, interactive=False)
    return True


def qn(name: str) -> str:
    """Quote a table or column name for the current database."""
    from django.db import connection

    return connection.ops.quote_name(name)


def table(model: Any) -> str:
    """Return a model's quoted table name."""
    return qn(model._meta.db_table)


def engine_version() -> tuple[str, str]:
    """Return the database vendor and server version."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SELECT version()")
        version = str(cursor.fetchone()[0])
    if connection.vendor == "postgresql":
        version = version.split(" on ")[0]
    return connection.vendor, version


def db_info(workspace_id: int | None = None) -> Group:
    """Return a table with the engine, its version, where it is and the row counts."""
    from django.db import connection

    from keepwarm.accounts.models import Membership, Workspace
    from keepwarm.clients.models import Client, Contact
    from keepwarm.commitments.models import Commitment
    from keepwarm.interactions.models import Interaction
    from keepwarm.trust.models import TrustSnapshot

    vendor, version = engine_version()
    settings = connection.settings_dict
    where = str(settings["NAME"])
    if vendor != "sqlite":
        where = f"{settings.get('HOST') or 'local socket'}:{settings.get('PORT') or ''}/{where}"
    info = Table(title="Database", show_header=False)
    info.add_column("what")
    info.add_column("value")
    info.add_row("engine", vendor)
    info.add_row("version", version)
    info.add_row("database", where)
    info.add_row("python", platform.python_version())
    info.add_row("cpus (os.cpu_count)", str(os.cpu_count()))
    if vendor == "sqlite":
        path = Path(where)
        if path.exists():
            info.add_row("file size", f"{path.stat().st_size / 2**20:,.0f} MB")
    counts = Table(title="Row counts")
    counts.add_column("table")
    counts.add_column("all rows", justify="right")
    if workspace_id is not None:
        counts.add_column(f"in workspace {workspace_id}", justify="right")
    models = [Workspace, Membership, Client, Contact, Interaction, Commitment, TrustSnapshot]
    with connection.cursor() as cursor:
        for model in [*models, Interaction.contacts.through]:
            cursor.execute(f"SELECT COUNT(*) FROM {table(model)}")  # noqa: S608
            row = [model._meta.db_table, f"{cursor.fetchone()[0]:,}"]
            if workspace_id is not None:
                row.append(workspace_count(cursor, model, workspace_id))
            counts.add_row(*row)
    return Group(info, counts)


def workspace_count(cursor: Any, model: Any, workspace_id: int) -> str:
    """Return how many of the model's rows belong to the workspace, formatted."""
    from keepwarm.accounts.models import Workspace
    from keepwarm.interactions.models import Interaction

    if model is Workspace:
        return "1"
    if model is Interaction.contacts.through:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table(model)} WHERE {qn('interaction_id')} IN "  # noqa: S608
            f"(SELECT {qn('id')} FROM {table(Interaction)} WHERE {qn('workspace_id')} = %s)",
            [workspace_id],
        )
    else:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table(model)} WHERE {qn('workspace_id')} = %s",  # noqa: S608
            [workspace_id],
        )
    return f"{cursor.fetchone()[0]:,}"


def find_workspace(workspace_id: int | None, name: str) -> Any:
    """Return the chosen workspace: by id, else the newest one with this name."""
    from keepwarm.accounts.models import Workspace

    if workspace_id is not None:
        return Workspace.objects.get(pk=workspace_id)
    workspace = Workspace.objects.filter(name=name).order_by("-pk").first()
    if workspace is None:
        console.print(
            f"[red]No workspace named {name!r}.[/] Run bench/generate.py first "
            "(with the same KEEPWARM_DATA_DIR / KEEPWARM_DATABASE_URL)."
        )
        raise SystemExit(2)
    return workspace


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """Yield a function returning the seconds elapsed since the block started."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())
