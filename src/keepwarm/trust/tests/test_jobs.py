"""Tests for the trust engine's periodic job."""

from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.clients.models import Client
from keepwarm.lib.schedule import get_job
from keepwarm.testing import BaseTestCase
from keepwarm.trust.jobs import store_snapshots
from keepwarm.trust.models import TrustSnapshot

AT = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)


@time_machine.travel(AT, tick=False)
class SnapshotJobTests(BaseTestCase):
    def test_it_stores_todays_snapshots_once_however_often_it_runs(self) -> None:
        created = AT - dt.timedelta(days=30)
        Client.objects.create(workspace=self.workspace, name="Harbor Dental", created_at=created)
        Client.objects.create(workspace=self.charlies_workspace, name="Cory's", created_at=created)
        self.assertEqual(store_snapshots(now=AT), 2)
        self.assertEqual(store_snapshots(now=AT), 2)
        self.assertEqual(TrustSnapshot.objects.filter(day=AT.date()).count(), 2)
        self.assertEqual(get_job("trust.snapshots").every, dt.timedelta(hours=1))

    def test_it_uses_each_workspaces_own_day(self) -> None:
        self.workspace.time_zone = "Pacific/Auckland"  # already 26 November there
        self.workspace.save(update_fields=["time_zone"])
        Client.objects.create(workspace=self.workspace, name="Harbor Dental")
        store_snapshots(now=AT)
        self.assertEqual(
            list(TrustSnapshot.objects.values_list("day", flat=True)), [dt.date(2026, 11, 26)]
        )
