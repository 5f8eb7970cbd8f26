"""Periodic jobs of reports: draft what is due, send what may go without review, track delivery."""

from __future__ import annotations

import datetime as dt

from keepwarm.lib.schedule import job
from keepwarm.reports.sending import deliveries_reconcile, drafts_generate_due, reports_send_due


# The worker runs jobs in name order, so a draft made in a tick can be sent in the same tick.
@job("reports.generate_due", every=dt.timedelta(minutes=1))
def generate_due(*, now: dt.datetime) -> int:
    """Draft every status report that has fallen due and has no draft yet."""
    return drafts_generate_due(now=now)


@job("reports.send_due", every=dt.timedelta(minutes=1))
def send_due(*, now: dt.datetime) -> int:
    """Send scheduled reports whose time came, and "no change" reports allowed without review."""
    return reports_send_due(now=now)


@job("reports.track_delivery", every=dt.timedelta(minutes=1))
def track_delivery(*, now: dt.datetime) -> int:
    """Mark sent reports delivered, or failed when the outbox gave up on their email."""
    return deliveries_reconcile(now=now)
