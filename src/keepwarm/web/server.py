"""Run Keepwarm under gunicorn, the production WSGI server."""

from __future__ import annotations

import sys
import threading
from typing import Any, Protocol

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


class Writer(Protocol):
    """Where progress lines go: sys.stdout or a management command's stdout."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class KeepwarmServer(BaseApplication):
    """gunicorn, configured in code, serving keepwarm.wsgi:application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options, skipping any this gunicorn version does not know."""
        assert self.cfg is not None
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        """Import the WSGI application (in each worker, after the fork)."""
        from django.urls import get_resolver

        from keepwarm.lib.heap import freeze_start_up
        from keepwarm.lib.plain import warm_up
        from keepwarm.wsgi import application

        # Import every view now (the URL patterns), then keep all that start-up loaded out of
        # later garbage collections: a full collection in the middle of a request would
        # otherwise walk it all again (about 110 ms on a big agenda).
        get_resolver().url_patterns  # noqa: B018 - imports the views
        freeze_start_up()
        # The plain-language check's word lists take a second to load: load them in the
        # background now rather than on the first keystroke someone makes.
        threading.Thread(target=warm_up, name="plain-warm-up", daemon=True).start()
        return application


def pending_migrations(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the migrations not yet applied to the database, as "app.name"."""
    executor = MigrationExecutor(connections[database])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _bind_address(host: str, port: int) -> str:
    """Return host:port, with an IPv6 address in brackets."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def serve(
    *, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, stdout: Writer | None = None
) -> None:
    """Check migrations, collect static files, then serve until stopped."""
    out = stdout if stdout is not None else sys.stdout
    pending = pending_migrations()
    if pending:
        raise CommandError(
            f"The database is not up to date ({len(pending)} migration(s) not applied, "
            f"first {pending[0]}): run `keepwarm migrate`, then `keepwarm serve` again."
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    # Forked workers must not share the connections the checks above opened.
    connections.close_all()

    address = _bind_address(host, port)
    out.write(f"Keepwarm is running at http://{address}/ (press Ctrl+C to stop)\n")
    out.flush()
    KeepwarmServer(
        {
            "bind": [address],
            "workers": workers,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "keepwarm",
            # One control socket per user would clash between two servers on one machine.
            "control_socket_disable": True,
        }
    ).run()
