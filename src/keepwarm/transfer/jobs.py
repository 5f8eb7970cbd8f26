"""Periodic jobs of the transfer app: forgetting uploads nobody finished importing."""

from __future__ import annotations

import datetime as dt

from keepwarm.lib.schedule import job
from keepwarm.transfer.services import uploads_forget_stale


@job("transfer.forget_uploads", every=dt.timedelta(hours=1))
def forget_uploads(*, now: dt.datetime) -> int:
    """Delete uploads older than a day that were never imported; return how many."""
    return uploads_forget_stale(now=now)
