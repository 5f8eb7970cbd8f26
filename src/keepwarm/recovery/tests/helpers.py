"""Shared set-up for the recovery tests."""

from __future__ import annotations

from keepwarm.clients.models import Client
from keepwarm.testing import BaseTestCase


class RecoveryTestCase(BaseTestCase):
    """BaseTestCase with one client, Meadowbank Vets, in alice's workspace."""

    meadowbank: Client
    other: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meadowbank = Client.objects.create(
            workspace=cls.workspace,
            name="Meadowbank Vets",
            owner=cls.bob,
            response_target_hours=4,
        )
        cls.other = Client.objects.create(workspace=cls.workspace, name="Harbor Dental")
