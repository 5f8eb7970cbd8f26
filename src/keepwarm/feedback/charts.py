"""The NPS chart for Insights: promoters, passives and detractors month by month, as SVG."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from pygal.style import Style

from keepwarm.feedback.selectors import NpsMonth
from keepwarm.trust.charts import FONT, TEXT, TEXT_MUTED, render_svg

# Detractors slate, passives sand, promoters terracotta: apart in lightness as well as hue,
# each with a dark edge, and every bar prints its number, so colour is never the only signal.
FILLS = ("#22385a", "#f0e9d8", "#a8462a")
INKS = ("#ffffff", "#574513", "#ffffff")
EDGES = ("#22385a", "#574513", "#6e290e")


def nps_chart(rows: Sequence[NpsMonth]) -> str:
    """Return a stacked bar chart of each month's detractors, passives and promoters."""
    top = max((row.responses for row in rows), default=0)
    step = max(1, -(-top // 5))
    chart = pygal.StackedBar(
        style=Style(
            background="transparent",
            plot_background="#ffffff",
            foreground=TEXT,
            foreground_strong=TEXT,
            foreground_subtle=TEXT_MUTED,
            font_family=FONT,
            colors=FILLS,
            value_colors=INKS,
            opacity="1",
            opacity_hover="1",
            transition="none",
            title_font_size=20,
            label_font_size=15,
            major_label_font_size=15,
            legend_font_size=15,
            value_font_size=16,
        ),
        title="NPS answers by month",
        x_title="Month",
        y_title="Answers",
        y_labels=list(range(0, top + step + 1, step)),
        print_values=True,
        print_zeroes=False,
        disable_xml_declaration=True,
        width=560,
        height=420,
        margin=12,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        legend_box_size=16,
        truncate_label=-1,
        truncate_legend=-1,
        classes=["pygal-chart", "chart-svg"],
        value_formatter=lambda v: f"{v:g}",
    )
    chart.x_labels = [row.month.strftime("%b %Y") for row in rows]
    for index, (name, values) in enumerate(
        (
            ("Detractors (0-6)", [row.detractors for row in rows]),
            ("Passives (7-8)", [row.passives for row in rows]),
            ("Promoters (9-10)", [row.promoters for row in rows]),
        )
    ):
        style = f"stroke: {EDGES[index]}; stroke-width: 1.5"
        chart.add(name, [{"value": v or None, "style": style} for v in values])
    parts = "; ".join(
        f"{row.month:%b %Y}: {row.promoters} promoters, {row.passives} passives, "
        f"{row.detractors} detractors"
        for row in rows
        if row.responses
    )
    return render_svg(chart, f"Stacked bar chart of NPS answers by month: {parts}.")
