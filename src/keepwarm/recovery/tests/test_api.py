"""Tests for the recovery API: cases, steps, agreed actions, closing and tough topics."""

from __future__ import annotations

import json
from typing import Any

from keepwarm.commitments.models import Commitment
from keepwarm.recovery.models import RecoveryCase, ToughTopic
from keepwarm.recovery.tests.helpers import RecoveryTestCase


class RecoveryApiTests(RecoveryTestCase):
    def setUp(self) -> None:
        self.headers = self.api_headers(self.bob)

    def _post(self, url: str, body: dict[str, Any], headers: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            url,
            data=json.dumps(body),
            content_type="application/json",
            headers=headers or self.headers,
        )

    def test_a_case_goes_from_open_to_retained(self) -> None:
        response = self._post(
            "/api/recovery/cases",
            {
                "client_id": self.meadowbank.pk,
                "cause": "slow_response",
                "what_happened": "Waited two days.",
                "signal": "slow_reply",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        case = response.json()
        self.assertEqual((case["steps_done"], case["next_step"]), (0, "prepare"))
        self.assertEqual(len(case["steps"]), 8)
        base = f"/api/recovery/cases/{case['id']}"
        response = self._post(f"{base}/steps", {"step": "agree", "notes": "Agreed."})
        self.assertEqual(response.json()["steps"][7]["notes"], "Agreed.")
        response = self._post(
            f"{base}/actions", {"side": "ours", "text": "Fix the page", "due_on": "2031-01-10"}
        )
        self.assertEqual(response.status_code, 201)
        ours = response.json()
        self.assertEqual(ours["commitment_status"], "open")
        self.assertEqual(Commitment.objects.get(pk=ours["commitment_id"]).what, "Fix the page")
        theirs = self._post(f"{base}/actions", {"side": "theirs", "text": "Send hours"}).json()
        response = self._post(f"/api/recovery/actions/{theirs['id']}/done", {"done": True})
        self.assertIsNotNone(response.json()["done_at"])
        response = self._post(
            f"{base}/close", {"outcome": "retained", "closing_note": "They stayed."}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["outcome"], "retained")
        self.assertEqual(self.client.get(base, headers=self.headers).json()["outcome"], "retained")

    def test_a_case_is_corrected_and_a_step_undone(self) -> None:
        case = RecoveryCase.objects.create(
            workspace=self.workspace, client=self.meadowbank, cause="other", what_happened="x"
        )
        base = f"/api/recovery/cases/{case.pk}"
        response = self.client.patch(
            base,
            data=json.dumps({"cause": "no_updates"}),
            content_type="application/json",
            headers=self.headers,
        )
        self.assertEqual(response.json()["cause"], "no_updates")
        self.assertEqual(response.json()["what_happened"], "x")
        self._post(f"{base}/steps", {"step": "facts"})
        response = self._post(f"{base}/steps", {"step": "facts", "done": False})
        self.assertEqual(response.json()["steps_done"], 0)
        response = self._post(f"{base}/steps", {"step": "facts", "done": False})
        self.assertEqual(response.status_code, 422)

    def test_service_errors_answer_422(self) -> None:
        case = RecoveryCase.objects.create(
            workspace=self.workspace, client=self.meadowbank, cause="other", what_happened="x"
        )
        base = f"/api/recovery/cases/{case.pk}"
        response = self._post(f"{base}/actions", {"side": "ours", "text": "Fix it"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "due_on"])
        response = self._post(f"{base}/close", {"outcome": "retained", "closing_note": "x"})
        self.assertEqual(response.status_code, 422)
        response = self._post(
            "/api/recovery/cases",
            {"client_id": self.meadowbank.pk, "cause": "other", "what_happened": "again"},
        )
        self.assertEqual(response.status_code, 422)

    def test_lists_filter_and_count_queries(self) -> None:
        for client in (self.meadowbank, self.other):
            RecoveryCase.objects.create(
                workspace=self.workspace, client=client, cause="other", what_happened="x"
            )
        with self.assertNumQueries(6):
            response = self.client.get("/api/recovery/cases", headers=self.headers)
        self.assertEqual(response.json()["count"], 2)
        response = self.client.get(
            f"/api/recovery/cases?client_id={self.other.pk}&outcome=open", headers=self.headers
        )
        self.assertEqual(response.json()["count"], 1)
        response = self.client.get("/api/recovery/cases", headers=self.api_headers(self.charlie))
        self.assertEqual(response.json()["count"], 0)

    def test_tough_topics(self) -> None:
        response = self._post(
            "/api/recovery/topics",
            {
                "client_id": self.meadowbank.pk,
                "kind": "mistake",
                "what_to_say": "We missed the outage.",
                "raise_by": "2031-01-05",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        topic_id = response.json()["id"]
        response = self.client.patch(
            f"/api/recovery/topics/{topic_id}",
            data=json.dumps({"raise_by": "2031-01-03"}),
            content_type="application/json",
            headers=self.headers,
        )
        self.assertEqual(response.json()["raise_by"], "2031-01-03")
        response = self._post(f"/api/recovery/topics/{topic_id}/raise", {"outcome": "Thanked us."})
        self.assertIsNotNone(response.json()["raised_at"])
        self.assertEqual(ToughTopic.objects.get().outcome, "Thanked us.")
        response = self.client.get("/api/recovery/topics?raised=false", headers=self.headers)
        self.assertEqual(response.json()["count"], 0)
        response = self.client.get(
            f"/api/recovery/topics?client_id={self.meadowbank.pk}&kind=mistake",
            headers=self.headers,
        )
        self.assertEqual(response.json()["count"], 1)

    def test_a_viewer_may_read_but_not_write(self) -> None:
        headers = self.api_headers(self.victor)
        response = self._post(
            "/api/recovery/topics",
            {
                "client_id": self.meadowbank.pk,
                "kind": "price",
                "what_to_say": "x",
                "raise_by": "2031-01-05",
            },
            headers,
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/api/recovery/topics", headers=headers).status_code, 200)
