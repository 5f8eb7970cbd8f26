from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from keepwarm.clients.models import Client
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.trust.fairness import FairnessReport, chart_rows, fairness_report, percent
from keepwarm.trust.tests.test_views_insights import section, table_rows

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


class FairnessTests(BaseTestCase):
    big: Client
    mid: Client
    small: Client
    unvalued: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.big = cls.make("Atlas Retail", 80000)
        cls.mid = cls.make("Birch Law", 15000)
        cls.small = cls.make("Bakehouse Bakery", 5000)
        cls.unvalued = cls.make("Cedar Charity", None)
        # Not active, or not ours: neither their value nor their touches count.
        paused = cls.make("Dormant Dental", 100000, status="paused")
        theirs = Client.objects.create(
            workspace=cls.charlies_workspace, name="Elsewhere", annual_value=Decimal(1)
        )
        for _ in range(6):
            cls.touch(cls.big, "email", "outbound")
        cls.touch(cls.mid, "call", "inbound")
        cls.touch(cls.mid, "meeting", "inbound")
        cls.touch(cls.mid, "email", "outbound")
        cls.touch(cls.small, "message", "outbound")
        cls.touch(cls.unvalued, "visit", "outbound")
        cls.touch(cls.unvalued, "visit", "inbound")
        # Not touches: their emails to us, our notes, and anything outside the 90 days.
        cls.touch(cls.small, "email", "inbound")
        cls.touch(cls.small, "message", "inbound")
        cls.touch(cls.small, "call", "internal")
        cls.touch(cls.small, "email", "outbound", days_ago=91)
        cls.touch(cls.small, "email", "outbound", days_ago=-1)
        cls.touch(paused, "email", "outbound")
        for _ in range(5):
            cls.touch(theirs, "email", "outbound")

    @classmethod
    def make(cls, name: str, value: int | None, *, status: str = "active") -> Client:
        return Client.objects.create(
            workspace=cls.workspace,
            name=name,
            status=status,
            owner=cls.alice,
            annual_value=None if value is None else Decimal(value),
        )

    @classmethod
    def touch(cls, client: Client, channel: str, direction: str, *, days_ago: int = 3) -> None:
        Interaction.objects.create(
            workspace=client.workspace,
            client=client,
            channel=channel,
            direction=direction,
            occurred_at=NOW - dt.timedelta(days=days_ago),
        )

    def report(self) -> FairnessReport:
        return fairness_report(workspace_id=self.workspace.pk, now=NOW)

    def test_it_computes_both_shares_by_hand(self) -> None:
        report = self.report()
        by_name = {row.name: row for row in report.rows}
        self.assertEqual(
            set(by_name), {"Atlas Retail", "Birch Law", "Bakehouse Bakery", "Cedar Charity"}
        )
        self.assertEqual(report.touches, 12)  # 6 + 3 + 1 + 2
        self.assertEqual(report.total_value, Decimal(100000))
        self.assertEqual(report.valued, 3)
        self.assertAlmostEqual(report.equal_share, 0.25)
        self.assertAlmostEqual(report.threshold, 0.125)
        expected = {
            "Atlas Retail": (0.80, 6, 0.5),
            "Birch Law": (0.15, 3, 0.25),
            "Bakehouse Bakery": (0.05, 1, 1 / 12),
            "Cedar Charity": (None, 2, 2 / 12),
        }
        for name, (revenue, touches, attention) in expected.items():
            row = by_name[name]
            if revenue is None:
                self.assertIsNone(row.revenue_share)
                self.assertEqual(row.revenue_label, "—")
            else:
                self.assertAlmostEqual(row.revenue_share or 0, revenue)
            self.assertEqual(row.touches, touches, name)
            self.assertAlmostEqual(row.attention_share, attention)

    def test_it_flags_those_far_below_an_equal_share_and_lists_them_first(self) -> None:
        report = self.report()
        self.assertEqual(
            [(row.name, row.standing) for row in report.rows],
            [
                ("Bakehouse Bakery", "Far below"),
                ("Cedar Charity", "Below"),
                ("Birch Law", "At or above"),
                ("Atlas Retail", "At or above"),
            ],
        )
        self.assertEqual([row.name for row in report.neglected], ["Bakehouse Bakery"])
        self.assertEqual(
            report.sentence(report.rows[0]),
            "Bakehouse Bakery: 5% of revenue, 8% of our attention — far below an equal share (25%)",
        )
        self.assertEqual(
            report.sentence(report.rows[1]),
            "Cedar Charity: no yearly value recorded, 17% of our attention",
        )

    def test_it_never_weighs_attention_by_revenue(self) -> None:
        before = [(row.name, row.standing) for row in self.report().rows]
        # Turn the revenue upside down: the smallest client now brings almost everything.
        Client.objects.filter(pk=self.small.pk).update(annual_value=Decimal(10_000_000))
        Client.objects.filter(pk=self.big.pk).update(annual_value=Decimal(1))
        Client.objects.filter(pk=self.unvalued.pk).update(annual_value=Decimal(0))
        after = self.report()
        self.assertEqual([(row.name, row.standing) for row in after.rows], before)
        by_name = {row.name: row for row in after.rows}
        self.assertEqual(by_name["Atlas Retail"].revenue_label, "under 1%")
        self.assertEqual(by_name["Cedar Charity"].revenue_label, "0%")

    def test_it_flags_the_largest_client_the_same_as_the_smallest(self) -> None:
        Interaction.objects.filter(client=self.big).delete()
        report = self.report()
        # 6 touches among 4 clients: under 0.75 of them is far below, so only Atlas, at 80%.
        self.assertEqual(
            [(row.name, row.revenue_label) for row in report.neglected], [("Atlas Retail", "80%")]
        )
        self.assertEqual(
            report.sentence(report.rows[0]),
            "Atlas Retail: 80% of revenue, 0% of our attention — far below an equal share (25%)",
        )

    def test_it_holds_the_line_exactly_at_half_an_equal_share(self) -> None:
        # 2 clients, 4 touches: an equal share is 2, half of it is 1 touch: not under it.
        Client.objects.filter(pk__in=[self.mid.pk, self.unvalued.pk]).update(status="former")
        Interaction.objects.filter(client__in=[self.big, self.small]).delete()
        for _ in range(3):
            self.touch(self.big, "email", "outbound")
        self.touch(self.small, "email", "outbound")
        report = self.report()
        self.assertEqual([row.standing for row in report.rows], ["Below", "At or above"])
        self.assertEqual(report.neglected, [])

    def test_it_flags_nobody_when_nobody_was_touched(self) -> None:
        Interaction.objects.filter(workspace=self.workspace).delete()
        report = self.report()
        self.assertEqual(report.touches, 0)
        self.assertEqual(report.neglected, [])
        self.assertEqual({row.standing for row in report.rows}, {""})
        self.assertEqual({row.attention_label for row in report.rows}, {"0%"})

    def test_it_reads_another_workspace_as_empty(self) -> None:
        report = fairness_report(workspace_id=self.charlies_workspace.pk, now=NOW)
        self.assertEqual([(row.name, row.touches) for row in report.rows], [("Elsewhere", 5)])

    def test_it_asks_one_query_whatever_the_number_of_clients(self) -> None:
        with self.assertNumQueries(1):
            self.report()
        for i in range(30):
            client = self.make(f"More {i:02}", i * 100 or None)
            self.touch(client, "email", "outbound")
        with self.assertNumQueries(1):
            report = self.report()
        self.assertEqual(report.clients, 34)

    def test_it_charts_the_neglected_then_the_largest(self) -> None:
        report = self.report()
        self.assertEqual(
            [row.name for row in chart_rows(report, top=2)],
            ["Bakehouse Bakery", "Atlas Retail", "Birch Law"],
        )

    def test_it_words_small_shares(self) -> None:
        self.assertEqual(percent(0), "0%")
        self.assertEqual(percent(0.004), "under 1%")
        self.assertEqual(percent(0.005), "1%")
        self.assertEqual(percent(0.045), "5%")
        self.assertEqual(percent(1), "100%")


class FairnessPageTests(BaseTestCase):
    def test_it_shows_the_flag_in_words_a_chart_and_a_table(self) -> None:
        now = timezone.now()
        clients = [
            Client.objects.create(
                workspace=self.workspace, name=name, annual_value=value, owner=self.alice
            )
            for name, value in (
                ("Atlas Retail", Decimal(80000)),
                ("Birch Law", Decimal(15000)),
                ("Bakehouse Bakery", Decimal(5000)),
                ("Cedar Charity", None),
            )
        ]
        for client, n in zip(clients, (6, 3, 1, 2), strict=True):
            for _ in range(n):
                Interaction.objects.create(
                    workspace=self.workspace,
                    client=client,
                    channel="email",
                    direction="outbound",
                    occurred_at=now - dt.timedelta(days=2),
                )
        self.login(self.victor)
        html = self.client.get("/insights/").text
        part = section(html, "fairness-heading")
        self.assertIn(
            "Bakehouse Bakery: 5% of revenue, 8% of our attention — far below an equal share (25%)",
            part,
        )
        self.assertIn("less than half of that (13%)", part)
        self.assertIn('<svg role="img" aria-label="Bar chart, share of revenue', part)
        self.assertIn("Bakehouse Bakery (far below)", part)
        self.assertNotIn("<script", part)
        rows = table_rows(part)
        self.assertEqual(rows[0][:2], ["Client", "Yearly value"])
        self.assertEqual(
            rows[1:],
            [
                ["Bakehouse Bakery", "5,000", "5%", "1", "8%", "Far below"],
                ["Cedar Charity", "—", "—", "2", "17%", "Below"],
                ["Birch Law", "15,000", "15%", "3", "25%", "At or above"],
                ["Atlas Retail", "80,000", "80%", "6", "50%", "At or above"],
            ],
        )

    def test_it_says_so_when_nobody_was_touched(self) -> None:
        Client.objects.create(workspace=self.workspace, name="Atlas Retail")
        self.login(self.alice)
        part = section(self.client.get("/insights/").text, "fairness-heading")
        self.assertIn("no attention to compare yet", part)
        self.assertNotIn("<svg", part)
