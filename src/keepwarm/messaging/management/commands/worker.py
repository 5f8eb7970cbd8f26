"""`keepwarm worker`: send email, run background tasks and the periodic jobs of every app."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import autodiscover_modules

from keepwarm.lib.heap import freeze_start_up
from keepwarm.messaging.worker import Worker


class Command(BaseCommand):
    help = (
        "Run Keepwarm's background worker: send queued email (retrying temporary failures), run "
        "background tasks, and every minute run the periodic jobs of every app (due reports, "
        "scores, digests), each once per slot however many workers run. SIGTERM or Ctrl+C "
        "finishes the current email or job and exits. With --once, run one tick and send "
        "everything due, then exit (for cron)."
    )
    # The web process and `keepwarm check` run the system checks; a worker restarts fast.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run one scheduler tick, send every email and run every task that is due, "
            "then exit.",
        )
        parser.add_argument(
            "--tick-seconds",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="Seconds between scheduler ticks (default: 60).",
        )
        parser.add_argument(
            "--idle-seconds",
            type=float,
            default=1.0,
            metavar="SECONDS",
            help="Seconds to wait when there is nothing to do (default: 1).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=20,
            metavar="N",
            help="Emails to send over one mail connection before looking for other work "
            "(default: 20).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tick, idle, batch = options["tick_seconds"], options["idle_seconds"], options["batch"]
        if not 0.05 <= tick <= 3600:
            raise CommandError("--tick-seconds must be between 0.05 and 3600.")
        if not 0 <= idle <= 60:
            raise CommandError("--idle-seconds must be between 0 and 60.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if options["verbosity"] == 0:
            logging.getLogger("keepwarm").setLevel(logging.WARNING)
        autodiscover_modules("jobs")
        worker = Worker(tick_seconds=tick, idle_seconds=idle, batch=batch)
        with worker.signals_handled():
            if options["once"]:
                worker.run_once()
            else:
                # Start-up is over: keep what it loaded out of the jobs' garbage collections.
                freeze_start_up()
                worker.run_forever()
