"""The index follows every write, whatever makes it: services, bulk inserts, cascades."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.urls import reverse

from keepwarm.clients import services as client_services
from keepwarm.clients.models import Client, Contact, Goal, PersonalFact
from keepwarm.interactions.models import Interaction
from keepwarm.search.schema import SOURCES, ensure_triggers, trigger_names
from keepwarm.search.selectors import SearchResults
from keepwarm.search.tests.helpers import SearchTestCase


class IndexTests(SearchTestCase):
    def found(self, q: str, workspace_id: int | None = None) -> list[tuple[str, int]]:
        results = SearchResults(workspace_id=workspace_id or self.workspace.pk, q=q)
        return [(hit.kind, hit.id) for hit in results[:]]

    def test_it_finds_each_kind(self) -> None:
        self.assertEqual(self.found("dentistry"), [("client", self.harbor.pk)])
        self.assertEqual(self.found("lunch"), [("client", self.harbor.pk)])
        self.assertEqual(self.found("ortiz"), [("contact", self.lena.pk)])
        self.assertEqual(self.found("practice manager"), [("contact", self.lena.pk)])
        self.assertEqual(self.found("tyrone"), [("fact", self.fact.pk)])
        self.assertEqual(self.found("bookings"), [("goal", self.goal.pk)])
        self.assertEqual(self.found("invoice"), [("interaction", self.email.pk)])
        self.assertEqual(self.found("arrived"), [("interaction", self.email.pk)])

    def test_it_matches_word_starts_and_every_word(self) -> None:
        self.assertEqual(self.found("harb dent")[0], ("client", self.harbor.pk))
        # Parts of an email address are words of their own, on both databases.
        self.assertIn(("contact", self.lena.pk), self.found("dental"))
        self.assertEqual(self.found("harbor zebra"), [])
        self.assertEqual(self.found("arbor"), [])
        self.assertEqual(self.found("HARBOR")[0], ("client", self.harbor.pk))

    def test_it_ranks_a_title_match_above_a_body_match(self) -> None:
        lunch = Client.objects.create(workspace=self.workspace, name="The Lunch Club")
        self.assertEqual(self.found("lunch"), [("client", lunch.pk), ("client", self.harbor.pk)])

    def test_it_follows_updates(self) -> None:
        self.email.subject = "Quote for April"
        self.email.save()
        self.assertEqual(self.found("march"), [])
        self.assertEqual(self.found("april"), [("interaction", self.email.pk)])
        Goal.objects.filter(pk=self.goal.pk).update(text="Fewer no-shows")
        self.assertEqual(self.found("bookings"), [])
        self.assertEqual(self.found("shows"), [("goal", self.goal.pk)])

    def test_it_reindexes_only_when_searchable_text_changes(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_document SET title = 'stale' WHERE kind = 'interaction' "
                "AND object_id = %s",
                [self.email.pk],
            )
        Interaction.objects.filter(pk=self.email.pk).update(needs_reply=True, sentiment=0.4)
        self.assertEqual(self._title("interaction", self.email.pk), "stale")
        Interaction.objects.filter(pk=self.email.pk).update(subject="Invoice for May")
        self.assertEqual(self._title("interaction", self.email.pk), "Invoice for May")

    def test_it_follows_deletes_and_cascades(self) -> None:
        self.fact.delete()
        self.assertEqual(self.found("tyrone"), [])
        client_services.client_delete(membership=self.alice_m, client=self.harbor)
        for word in ("harbor", "ortiz", "bookings", "invoice"):
            self.assertEqual(self.found(word), [], word)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM search_document WHERE workspace_id = %s", [self.workspace.pk]
            )
            self.assertEqual(cursor.fetchone()[0], 0)

    def test_it_finds_bulk_created_rows(self) -> None:
        Interaction.objects.bulk_create(
            Interaction(
                workspace=self.workspace,
                client=self.harbor,
                channel="email",
                direction="inbound",
                subject=f"Imported message {n}",
                body="Brought in by the mailbox import",
            )
            for n in range(3)
        )
        hits = SearchResults(workspace_id=self.workspace.pk, q="mailbox import")
        self.assertEqual(len(hits), 3)
        self.assertEqual({hit.type_label for hit in hits}, {"Email"})

    def test_it_moves_facts_with_their_person(self) -> None:
        other = Client.objects.create(workspace=self.workspace, name="Bay Bakery")
        Contact.objects.filter(pk=self.lena.pk).update(client=other)
        [hit] = SearchResults(workspace_id=self.workspace.pk, q="tyrone")
        self.assertEqual((hit.client_id, hit.client_name), (other.pk, "Bay Bakery"))

    def test_it_keeps_workspaces_apart(self) -> None:
        self.assertEqual(self.found("harbor plumbing"), [])
        theirs = self.found("harbor", workspace_id=self.charlies_workspace.pk)
        self.assertEqual(theirs, [("client", self.charlies_client.pk)])

    def test_it_repairs_triggers_a_table_rebuild_dropped(self) -> None:
        source = next(s for s in SOURCES if s.kind == "fact")
        on = " ON clients_personalfact" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            for name in trigger_names(source):
                cursor.execute(f"DROP TRIGGER {name}{on}")
        missed = PersonalFact.objects.create(
            workspace=self.workspace, contact=self.lena, category="diet", text="Vegetarian"
        )
        self.assertEqual(self.found("vegetarian"), [])
        self.assertEqual(ensure_triggers(connection), ["fact"])
        self.assertEqual(self.found("vegetarian"), [("fact", missed.pk)])
        self.assertEqual(self.found("tyrone"), [("fact", self.fact.pk)])
        self.assertEqual(ensure_triggers(connection), [])
        PersonalFact.objects.filter(pk=missed.pk).delete()
        self.assertEqual(self.found("vegetarian"), [])

    def _title(self, kind: str, object_id: int) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT title FROM search_document WHERE kind = %s AND object_id = %s",
                [kind, object_id],
            )
            return str(cursor.fetchone()[0])


class BroadQueryTests(SearchTestCase):
    """Past CAP hits of a group, only its newest CAP are counted, ranked and paged."""

    def test_it_ranks_the_newest_hits_of_a_broad_word_and_keeps_the_records(self) -> None:
        emails = Interaction.objects.bulk_create(
            Interaction(
                workspace=self.workspace,
                client=self.harbor,
                channel="email",
                direction="inbound",
                subject=f"Harbor note {n}",
            )
            for n in range(5)
        )
        with mock.patch("keepwarm.search.selectors.CAP", 2):
            results = SearchResults(workspace_id=self.workspace.pk, q="harbor")
            self.assertEqual(results.counts(), {"client": 1, "contact": 1, "interaction": 3})
            self.assertTrue(results.more)
            self.assertEqual(len(results), 4)
            found = [(hit.kind, hit.id) for hit in results]
            newest = {("interaction", e.pk) for e in emails[-2:]}
            self.assertEqual(
                set(found), {("client", self.harbor.pk), ("contact", self.lena.pk), *newest}
            )
            narrow = SearchResults(workspace_id=self.workspace.pk, q="harbor", kind="contact")
            self.assertEqual([(h.kind, h.id) for h in narrow], [("contact", self.lena.pk)])
        self.login(self.alice)
        with (
            mock.patch("keepwarm.search.selectors.CAP", 2),
            mock.patch("keepwarm.search.views.CAP", 2),
        ):
            response = self.client.get(reverse("search"), {"q": "harbor"})
        self.assertContains(response, "More than 4 results for “harbor”")
        self.assertContains(response, 'Emails, calls and meetings <span class="badge">2+</span>')
