"""Periodic jobs of the trust engine, run by `keepwarm worker`."""

from __future__ import annotations

import datetime as dt

from keepwarm.accounts.models import Workspace
from keepwarm.lib.schedule import job, stop_requested
from keepwarm.trust.services import snapshots_store, workspace_today


@job("trust.snapshots", every=dt.timedelta(hours=1))
def store_snapshots(*, now: dt.datetime) -> int:
    """Store (or refresh) today's trust snapshot of every client, in each workspace's own day.

    Hourly, so each day's snapshot ends up close to the end of that day wherever the
    workspace is; a snapshot is one row per client and day, so running twice adds nothing.
    Today reads its bands from these snapshots and never recomputes them on a visit.
    """
    stored = 0
    for workspace in Workspace.objects.order_by("pk"):
        if stop_requested():
            break
        stored += snapshots_store(workspace=workspace, day=workspace_today(workspace))
    return stored
