"""A per-message time limit, so one hostile message cannot hang an import."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class MessageTimeout(Exception):
    """Reading one message took longer than its limit."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise MessageTimeout


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise MessageTimeout in the block after `seconds` (main thread only; elsewhere the
    parser's own size caps are what bound the work)."""
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
