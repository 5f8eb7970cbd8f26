"""`keepwarm serve`: run Keepwarm under a production WSGI server."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from keepwarm.web.server import serve


def _whole_number(value: str, *, low: int, high: int) -> int:
    """Parse a whole number between low and high, or explain what is wanted."""
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ArgumentTypeError(f"{number} is not between {low} and {high}")
    return number


def _port(value: str) -> int:
    """Parse a TCP port number."""
    return _whole_number(value, low=1, high=65535)


def _workers(value: str) -> int:
    """Parse a worker process count."""
    return _whole_number(value, low=1, high=64)


class Command(BaseCommand):
    help = "Serve Keepwarm with gunicorn (checks migrations and collects static files first)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=_port, default=8000, help="Port to listen on (default 8000)."
        )
        parser.add_argument(
            "--workers", type=_workers, default=2, help="Worker processes (default 2)."
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        serve(host=host, port=port, workers=workers, stdout=self.stdout)
