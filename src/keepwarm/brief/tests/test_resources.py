"""The resource library and sharing: suggestions fit the client and never repeat a share."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError

from keepwarm.accounts.models import AuditEvent
from keepwarm.agenda.selectors import agenda_for
from keepwarm.brief.services import resource_share
from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact, Resource, ResourceShare
from keepwarm.clients.selectors import resource_suggestions
from keepwarm.interactions.models import Interaction
from keepwarm.messaging.models import OutboundMessage
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class ResourceTests(BaseTestCase):
    harbor: Client
    bakery: Client
    lena: Contact
    reviews: Resource
    dental: Resource
    bread: Resource

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = services.client_create(membership=m, name="Harbor Dental", industry="Dental")
        cls.lena = services.contact_create(
            membership=m, client=cls.harbor, name="Lena Ortiz", email="lena@harbor.example"
        )
        services.goal_create(membership=m, client=cls.harbor, text="Get more online reviews")
        cls.bakery = services.client_create(membership=m, name="Corner Bakery", industry="Bakery")
        cls.reviews = services.resource_create(
            membership=m,
            title="Five ways to get more reviews",
            url="https://example.com/reviews",
            topics="online review",
        )
        cls.dental = services.resource_create(
            membership=m, title="Dental marketing checklist", note="Start with recall cards.",
            industries="dental, health care",
        )  # fmt: skip
        cls.bread = services.resource_create(
            membership=m, title="Bakery footfall", url="https://example.com/f", industries="Bakery"
        )

    def titles(self, client: object) -> list[str]:
        return [s.resource.title for s in resource_suggestions(client)]  # type: ignore[arg-type]

    def share(self, resource: Resource, **kwargs: object) -> ResourceShare:
        return resource_share(
            membership=self.alice_m,
            client=self.harbor,
            resource=resource,
            message=kwargs.pop("message", "Hi Lena, thought of you."),  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )

    def test_it_suggests_what_fits_the_industry_and_goals(self) -> None:
        self.assertEqual(
            self.titles(self.harbor),
            # An industry match weighs more than a medium-priority goal's.
            ["Dental marketing checklist", "Five ways to get more reviews"],
        )
        self.assertEqual(self.titles(self.bakery), ["Bakery footfall"])
        reasons = {s.resource.pk: s.reasons for s in resource_suggestions(self.harbor)}
        self.assertEqual(reasons[self.dental.pk], ("for Dental",))
        self.assertEqual(reasons[self.reviews.pk], ("fits the goal “Get more online reviews”",))

    def test_a_tag_must_match_whole_words(self) -> None:
        services.resource_create(
            membership=self.alice_m, title="Baking at scale", note="x", industries="bake"
        )
        services.resource_create(
            membership=self.alice_m, title="50% off", note="x", topics="100%_off"
        )
        self.assertEqual(self.titles(self.bakery), ["Bakery footfall"])

    def test_it_never_suggests_one_already_sent_to_that_client(self) -> None:
        self.share(self.reviews)
        self.assertEqual(self.titles(self.harbor), ["Dental marketing checklist"])
        self.share(self.dental)
        self.assertEqual(self.titles(self.harbor), [])
        # Another client may still be sent the same one.
        services.goal_create(membership=self.alice_m, client=self.bakery, text="Online reviews")
        self.assertEqual(
            self.titles(self.bakery), ["Bakery footfall", "Five ways to get more reviews"]
        )

    def test_sharing_logs_a_value_add_and_is_audited(self) -> None:
        share = self.share(self.reviews, contact=self.lena)
        interaction = Interaction.objects.get(client=self.harbor)
        self.assertTrue(interaction.is_value_add)
        self.assertEqual((interaction.direction, interaction.channel), ("outbound", "message"))
        self.assertEqual(list(interaction.contacts.all()), [self.lena])
        self.assertFalse(share.emailed)
        self.assertFalse(OutboundMessage.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="resource.share").exists())

    def test_send_by_email_goes_through_the_outbox_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            share = self.share(self.reviews, contact=self.lena, send_email=True, subject="For you")
        message = OutboundMessage.objects.get()
        self.assertEqual(
            (message.to, message.subject, message.kind),
            (["lena@harbor.example"], "For you", "resource"),
        )
        self.assertEqual(message.key, f"resource-share:{share.pk}")
        self.assertEqual(Interaction.objects.get(client=self.harbor).channel, "email")

    def test_it_refuses_an_email_without_an_address_or_an_empty_message(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.share(self.reviews, send_email=True)
        self.assertIn("contact", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.share(self.reviews, message="  ")
        self.assertIn("message", caught.exception.message_dict)
        self.assertFalse(ResourceShare.objects.exists())

    def test_a_resource_needs_a_link_or_a_note_and_tags_are_normalised(self) -> None:
        with self.assertRaises(ValidationError):
            services.resource_create(membership=self.alice_m, title="Empty")
        resource = services.resource_update(
            membership=self.alice_m,
            resource=self.bread,
            industries="  Bakery ,bakery, Cafe  ",
            topics="",
        )
        self.assertEqual(resource.tag_names("industry"), ["bakery", "cafe"])

    def test_the_share_page_prefills_a_message_with_the_plain_language_check(self) -> None:
        self.login(self.alice)
        page = self.client.get(f"/clients/{self.harbor.pk}/resources/{self.reviews.pk}/share/")
        self.assertContains(page, "Hi Lena,")
        self.assertContains(page, "https://example.com/reviews")
        self.assertContains(page, 'hx-post="/writing/check/"')
        response = self.client.post(
            f"/clients/{self.harbor.pk}/resources/{self.reviews.pk}/share/",
            {"contact": self.lena.pk, "subject": "Reviews", "message": "Thought of you, Lena."},
        )
        self.assertRedirects(response, f"/clients/{self.harbor.pk}/", fetch_redirect_response=False)
        self.assertTrue(
            ResourceShare.objects.filter(client=self.harbor, resource=self.reviews).exists()
        )

    def test_the_client_page_suggests_and_the_library_filters_by_tag(self) -> None:
        self.login(self.alice)
        page = self.client.get(f"/clients/{self.harbor.pk}/").text
        self.assertIn("Worth sharing", page)
        self.assertIn(f"/clients/{self.harbor.pk}/resources/{self.reviews.pk}/share/", page)
        self.assertNotIn("Bakery footfall", page)
        with self.assertNumQueries(8):
            listing = self.client.get("/resources/?tag=bakery")
        self.assertContains(listing, "Bakery footfall")
        self.assertNotContains(listing, "Dental marketing checklist")
        for n in range(5):
            services.resource_create(
                membership=self.alice_m, title=f"Bakery tip {n}", note="x", industries="bakery"
            )
        with self.assertNumQueries(8):
            self.client.get("/resources/?tag=bakery")

    def test_todays_value_add_item_leads_to_the_suggestions_and_a_share_clears_it(self) -> None:
        Interaction.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            channel="meeting",
            direction="outbound",
            occurred_at=NOW - dt.timedelta(days=1),
        )
        items = agenda_for(membership=self.alice_m, now=NOW, mine=False, kinds=["value_add"])
        self.assertEqual([i.url for i in items], [f"/clients/{self.harbor.pk}/#resources"])
        self.share(self.reviews)
        self.assertEqual(
            agenda_for(membership=self.alice_m, now=NOW, mine=False, kinds=["value_add"]), []
        )

    def test_the_library_pages_add_edit_and_delete_with_confirmation(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/resources/new/",
            {"title": "Pricing guide", "url": "example.com/pricing", "industries": "dental"},
        )
        self.assertEqual(response.status_code, 302)
        made = Resource.objects.get(title="Pricing guide")
        self.assertEqual(made.url, "https://example.com/pricing")
        self.assertContains(
            self.client.post("/resources/new/", {"title": "Nothing"}), "Give a link"
        )
        self.client.post(f"/resources/{made.pk}/edit/", {"title": "Pricing", "note": "Read it"})
        made.refresh_from_db()
        self.assertEqual((made.title, made.url), ("Pricing", ""))
        self.assertContains(self.client.get(f"/resources/{made.pk}/delete/"), "cannot be undone")
        self.client.post(f"/resources/{made.pk}/delete/")
        self.assertFalse(Resource.objects.filter(pk=made.pk).exists())
