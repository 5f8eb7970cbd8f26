from __future__ import annotations

import datetime as dt
import re

from django.test import SimpleTestCase

from keepwarm.trust import charts

TODAY = dt.date(2026, 11, 25)
MONTHS = [
    ("Oct 2026", {"cold": 1, "cool": 2, "warming": 3}),
    ("Nov 2026", {"cool": 1, "warm": 4, "close": 2}),
]


def _texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


class SparklineTests(SimpleTestCase):
    def test_it_needs_two_scores(self) -> None:
        self.assertIsNone(charts.sparkline([], today=TODAY))
        self.assertIsNone(charts.sparkline([(TODAY, 50.0)], today=TODAY))
        self.assertIsNone(
            charts.sparkline([(TODAY - dt.timedelta(days=1), None), (TODAY, 50.0)], today=TODAY)
        )

    def test_it_titles_the_range_from_first_to_last_score(self) -> None:
        spark = charts.sparkline(
            [(TODAY - dt.timedelta(days=170), 42.4), (TODAY - dt.timedelta(days=3), None),
             (TODAY, 61.2)],
            today=TODAY,
        )  # fmt: skip
        assert spark is not None
        self.assertEqual(spark.title, "Score 42 → 61 over the last 180 days")
        self.assertEqual(len(spark.points.split()), 2)

    def test_it_keeps_every_point_inside_the_box(self) -> None:
        history = [(TODAY - dt.timedelta(days=d), float(d % 101)) for d in range(0, 200, 7)]
        spark = charts.sparkline(history, today=TODAY)
        assert spark is not None
        for pair in spark.points.split():
            x, y = (float(v) for v in pair.split(","))
            self.assertTrue(0 <= x <= spark.width, pair)
            self.assertTrue(0 <= y <= spark.height, pair)
        # Older than 180 days is left out; the last point is today's, at the right edge.
        self.assertEqual(len(spark.points.split()), len([d for d in range(0, 200, 7) if d <= 180]))
        self.assertAlmostEqual(spark.last_x, spark.width - charts.SPARK_PAD, places=0)

    def test_it_draws_higher_scores_higher(self) -> None:
        spark = charts.sparkline(
            [(TODAY - dt.timedelta(days=10), 20.0), (TODAY, 80.0)], today=TODAY
        )
        assert spark is not None
        first, last = (float(p.split(",")[1]) for p in spark.points.split())
        self.assertLess(last, first)


class PygalChartTests(SimpleTestCase):
    def assert_self_contained(self, svg: str) -> None:
        self.assertNotIn("<script", svg)
        self.assertIsNone(re.search(r"""(src|href)=["']https?://""", svg))
        self.assertNotIn("<?xml", svg)
        self.assertTrue(svg.startswith('<svg role="img" aria-label="'), svg[:80])

    def test_it_draws_the_bands_today_with_title_axes_and_values(self) -> None:
        svg = charts.bands_now_chart({"cool": 3, "warming": 6, "close": 11, "": 2})
        self.assert_self_contained(svg)
        texts = _texts(svg)
        for expected in ("Clients in each band today", "Band", "Clients", "3", "6", "11"):
            self.assertIn(expected, texts)
        for band in ("Cold", "Cool", "Warming", "Warm", "Close"):
            self.assertIn(band, texts)
        self.assertIn("Close 11", svg)  # the accessible name carries the numbers too
        for colour in charts.BAND_FILL.values():
            self.assertIn(colour, svg)

    def test_it_stacks_the_months_in_band_colours_with_a_legend(self) -> None:
        svg = charts.bands_by_month_chart(MONTHS)
        self.assert_self_contained(svg)
        texts = _texts(svg)
        for expected in ("Clients in each band, month by month", "Month", "Clients"):
            self.assertIn(expected, texts)
        for expected in ("Oct 2026", "Nov 2026", "4", "3"):
            self.assertIn(expected, texts)
        for band in ("Cold", "Cool", "Warming", "Warm", "Close"):
            self.assertIn(band, texts)  # the legend names every colour
        self.assertIn("Oct 2026 to Nov 2026", svg)

    def test_it_draws_a_histogram(self) -> None:
        svg = charts.histogram_chart(
            [("Under 1 h", 3), ("1 to 4 h", 0), ("Over 3 days", 12)],
            title="First replies, last 90 days",
            x_title="Time to first reply",
        )
        self.assert_self_contained(svg)
        texts = _texts(svg)
        for expected in ("First replies, last 90 days", "Time to first reply", "Messages"):
            self.assertIn(expected, texts)
        self.assertIn("12", texts)
        self.assertIn("Under 1 h: 3", svg)

    def test_it_escapes_the_accessible_name(self) -> None:
        svg = charts.histogram_chart([('<b>"x"</b>', 1)], title="T", x_title="X")
        name = re.match(r'<svg role="img" aria-label="([^"]*)"', svg)
        assert name is not None
        self.assertNotIn("<", name.group(1))

    def test_it_labels_axes_with_whole_numbers(self) -> None:
        self.assertEqual(charts._ticks(0), [0, 1])
        self.assertEqual(charts._ticks(7), [0, 2, 4, 6, 8])
        self.assertEqual(charts._ticks(30), [0, 10, 20, 30])
        self.assertEqual(charts._ticks(240), [0, 50, 100, 150, 200, 250])
