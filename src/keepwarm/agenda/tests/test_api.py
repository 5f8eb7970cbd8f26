from __future__ import annotations

import datetime as dt
import io
from typing import Any, get_args

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from keepwarm.agenda.api import KindName
from keepwarm.agenda.models import AgendaAction
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago
from keepwarm.agenda.types import KINDS
from keepwarm.api import api
from keepwarm.commitments.models import CommitmentStatus


@time_machine.travel(NOW, tick=False)
class AgendaApiTests(AgendaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.harbor = self.make_client()
        self.promised = self.promise(self.harbor, due_on=TODAY - dt.timedelta(days=2))
        self.message = self.log(self.harbor, at=days_ago(2), direction="inbound", needs_reply=True)
        bobs = self.make_client("Bob's", owner=self.bob)
        self.promise(bobs, due_on=TODAY)
        self.headers = self.api_headers(self.alice)

    def get(self, query: str = "") -> Any:
        return self.client.get(f"/api/agenda{query}", headers=self.headers)

    def post(self, key: str, action: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/agenda/{key}/{action}",
            data=body or {},
            content_type="application/json",
            headers=self.headers,
        )

    def test_it_lists_my_items_most_urgent_first(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(data["count"], 2)
        first = data["results"][0]
        self.assertEqual(first["key"], f"promise:{self.promised.pk}")
        self.assertEqual(first["kind"], "promise")
        self.assertEqual(first["state"], "overdue")
        self.assertEqual(first["reason"], "overdue 2 days")
        self.assertEqual(first["overdue_days"], 2)
        self.assertEqual(first["due"], "2026-03-09")
        self.assertEqual(first["commitment_id"], self.promised.pk)
        self.assertEqual(first["client_name"], "Harbor Dental")
        self.assertIn("Keep the promise to Harbor Dental", first["sentence"])

    def test_it_filters_and_pages(self) -> None:
        self.assertEqual(self.get("?mine=false").json()["count"], 3)
        only = self.get("?kind=reply").json()
        self.assertEqual([r["kind"] for r in only["results"]], ["reply"])
        page = self.get("?mine=false&page_size=2").json()
        self.assertEqual(len(page["results"]), 2)
        self.assertIn("page=2", page["next"])
        one = self.get(f"?client_id={self.harbor.pk}&mine=false").json()
        self.assertEqual(one["count"], 2)
        self.assertEqual(self.get("?kind=nonsense").status_code, 422)
        self.assertEqual(self.get("?colour=blue").status_code, 422)

    def test_a_client_filter_of_another_workspace_is_a_404(self) -> None:
        self.assertEqual(self.get("?client_id=987654321").status_code, 404)

    def test_done_snooze_and_dismiss(self) -> None:
        done = self.post(f"promise:{self.promised.pk}", "done")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["action"], "done")
        self.promised.refresh_from_db()
        self.assertEqual(self.promised.status, CommitmentStatus.LATE)
        snoozed = self.post(f"reply:{self.message.pk}", "snooze", {"until": "2026-03-13"})
        self.assertEqual(snoozed.status_code, 200, snoozed.content)
        self.assertEqual(snoozed.json()["snooze_until"], "2026-03-13")
        self.assertEqual(self.get().json()["count"], 0)
        check_in = self.make_client("Quiet", check_in_every_days=7, created_at=days_ago(30))
        dismissed = self.post(f"check_in:{check_in.pk}", "dismiss", {"reason": "Paused"})
        self.assertEqual(dismissed.status_code, 200, dismissed.content)
        self.assertEqual(dismissed.json()["reason"], "Paused")
        self.assertEqual(dismissed.json()["by_id"], self.alice.pk)
        self.assertEqual(AgendaAction.objects.count(), 3)

    def test_bad_input_answers_422(self) -> None:
        key = f"reply:{self.message.pk}"
        self.assertEqual(self.post(key, "snooze", {"until": "2026-03-11"}).status_code, 422)
        self.assertEqual(self.post(key, "snooze", {}).status_code, 422)
        self.assertEqual(self.post(key, "dismiss", {"reason": ""}).status_code, 422)
        self.assertEqual(self.post(key, "dismiss", {"reason": "x", "extra": 1}).status_code, 422)
        later = self.promise(self.harbor, due_on=TODAY + dt.timedelta(days=5))
        refused = self.post(f"promise:{later.pk}", "done")
        self.assertEqual(refused.status_code, 422)

    def test_unknown_keys_404_and_viewers_403(self) -> None:
        self.assertEqual(self.post("promise:987654321", "done").status_code, 404)
        self.assertEqual(self.post("whatever", "done").status_code, 404)
        viewer = self.api_headers(self.victor)
        response = self.client.post(
            f"/api/agenda/promise:{self.promised.pk}/done",
            content_type="application/json",
            headers=viewer,
        )
        self.assertEqual(response.status_code, 403)

    def test_the_schema_names_every_kind_and_unique_operations(self) -> None:
        self.assertEqual(list(get_args(KindName)), list(KINDS))
        schema = api.get_openapi_schema()
        ids = {
            op["operationId"]
            for path, methods in schema["paths"].items()
            if path.startswith("/api/agenda")
            for op in methods.values()
        }
        self.assertEqual(
            ids, {"agenda_list", "agenda_item_done", "agenda_item_snooze", "agenda_item_dismiss"}
        )

    def test_the_list_takes_a_fixed_number_of_queries(self) -> None:
        self.get()
        for index in range(15):
            client = self.make_client(f"More {index}")
            self.promise(client, due_on=TODAY)
        with self.assertNumQueries(23):
            self.assertEqual(self.get().json()["count"], 17)


@time_machine.travel(NOW, tick=False)
class AgendaCommandTests(AgendaTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("agenda", *args, stdout=out, no_color=True)
        return out.getvalue()

    def test_it_prints_the_agenda_as_a_table(self) -> None:
        client = self.make_client()
        self.promise(client, due_on=TODAY - dt.timedelta(days=1), what="Fix the form")
        output = self.run_command("--user", "alice@example.org")
        self.assertIn("Today for Alice Archer in Alice's Studio: 1 item", output)
        self.assertIn("overdue 1 day", output)
        self.assertIn("Fix the form", output)

    def test_it_takes_the_workspace_by_id_or_exact_name_and_the_team(self) -> None:
        self.promise(self.make_client(owner=self.bob), due_on=TODAY, what="Call Bo")
        by_name = self.run_command("--user", "ALICE@example.org", "--workspace", "Alice's Studio")
        self.assertIn("nothing needs you today", by_name)
        team = self.run_command(
            "--user", "alice@example.org", "--workspace", str(self.workspace.pk), "--team"
        )
        self.assertIn("Call Bo", team)
        self.assertIn("the whole team", team)
        only = self.run_command("--user", "alice@example.org", "--team", "--kind", "reply")
        self.assertIn("nothing needs you today", only)

    def test_it_explains_what_is_wrong(self) -> None:
        with self.assertRaisesMessage(CommandError, "no user with the email"):
            self.run_command("--user", "nobody@example.org")
        with self.assertRaisesMessage(CommandError, "--user EMAIL"):
            self.run_command()
        with self.assertRaisesMessage(CommandError, "no workspace with the id or exact name"):
            self.run_command("--user", "alice@example.org", "--workspace", "Charlie's Consulting")
