"""The demo's recovery story: Meadowbank Vets has an open case partway through, and topics."""

from __future__ import annotations

from keepwarm.demo.loader import demo_today, load_demo
from keepwarm.recovery.selectors import open_cases_by_client, tough_topics_due
from keepwarm.testing import BaseTestCase


class DemoRecoveryTests(BaseTestCase):
    def test_meadowbank_has_an_open_case_and_tough_topics(self) -> None:
        workspace = load_demo().workspace
        cases = open_cases_by_client(workspace.pk)
        [summaries] = cases.values()
        [summary] = summaries
        self.assertEqual(summary.client_name, "Meadowbank Veterinary Surgery")
        self.assertEqual((summary.cause, summary.steps_done), ("slow_response", 2))
        self.assertEqual(summary.next_step, "feelings")
        [due] = tough_topics_due(workspace_id=workspace.pk, today=demo_today())
        self.assertEqual((due.kind, due.overdue), ("price", False))
        self.assertEqual(due.raise_by, demo_today().fromordinal(demo_today().toordinal() + 6))
