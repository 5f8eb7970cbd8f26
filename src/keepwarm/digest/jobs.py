"""Periodic jobs of the digest app: each member's daily digest at their own local time."""

from __future__ import annotations

import datetime as dt

from keepwarm.digest.services import digest_send_due
from keepwarm.lib.schedule import job


@job("digest.send", every=dt.timedelta(minutes=5))
def send_digests(*, now: dt.datetime) -> int:
    """Queue the digest of every member whose time has come today; return how many were sent."""
    return sum(1 for outcome in digest_send_due(now=now) if outcome.sent)
