"""Charts of the trust engine, drawn on the server as SVG: sparklines and pygal bar charts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from django.utils.html import escape
from pygal.style import Style

from keepwarm.trust.models import BAND_ORDER, Band

# The chip colours of keepwarm.css (--band-*-bg / --band-*-fg), so a chart reads like the chips.
BAND_FILL = {
    Band.COLD: "#dae3f0",
    Band.COOL: "#e6eaed",
    Band.WARMING: "#f0e9d8",
    Band.WARM: "#fbe1bb",
    Band.CLOSE: "#a8462a",
}
BAND_INK = {
    Band.COLD: "#22385a",
    Band.COOL: "#354450",
    Band.WARMING: "#574513",
    Band.WARM: "#693f00",
    Band.CLOSE: "#ffffff",
}
TEXT = "#2a2420"
TEXT_MUTED = "#675d54"
# Bars without a band of their own (the response-time histogram).
PLAIN_FILL = "#f7e6dc"
PLAIN_INK = "#86320f"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

SPARK_WIDTH = 120
SPARK_HEIGHT = 36
SPARK_PAD = 3


def _style(colors: Sequence[str], value_colors: Sequence[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="#ffffff",
        foreground=TEXT,
        foreground_strong=TEXT,
        foreground_subtle=TEXT_MUTED,
        font_family=FONT,
        colors=tuple(colors),
        value_colors=tuple(value_colors),
        opacity="1",
        opacity_hover="1",
        transition="none",
        title_font_size=20,
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=15,
        value_font_size=16,
        guide_stroke_color=TEXT_MUTED,
        major_guide_stroke_color=TEXT_MUTED,
    )


def _bar(ink: str) -> str:
    # A dark edge keeps the pale bands' bars visible on white (3:1 for graphics).
    return f"stroke: {ink}; stroke-width: 1.5"


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def render_svg(chart: pygal.graph.graph.Graph, label: str) -> str:
    """Return the chart as inline SVG: no script at all, named for assistive technology."""
    svg = chart.render(js=[], is_unicode=True)
    # pygal's inline config script only feeds its tooltips library, which we never load.
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _ticks(top: int) -> list[int]:
    """Return whole-number axis labels from 0 past `top`, about five of them."""
    step = 1
    while top / step > 5:
        for factor in (2, 5, 10):
            if top / (step * factor) <= 5 or factor == 10:
                step *= factor
                break
    return list(range(0, max(top, 1) + step, step))


def _config(title: str, x_title: str, y_title: str, top: int) -> dict[str, object]:
    return {
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
        "y_labels": _ticks(top),
        "print_values": True,
        "print_zeroes": False,
        "disable_xml_declaration": True,
        "width": 560,
        "height": 420,
        "margin": 12,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 5,
        "legend_box_size": 16,
        "truncate_label": -1,
        "truncate_legend": -1,
        "classes": ["pygal-chart", "chart-svg"],
        "value_formatter": lambda v: f"{v:g}",
    }


def bands_now_chart(counts: dict[str, int]) -> str:
    """Return a bar chart of how many clients sit in each band today."""
    values = [counts.get(band.value, 0) for band in BAND_ORDER]
    chart = pygal.Bar(
        style=_style([TEXT], [TEXT]),
        show_legend=False,
        print_values_position="top",
        **_config("Clients in each band today", "Band", "Clients", max(values)),
    )
    chart.x_labels = [band.label for band in BAND_ORDER]
    chart.add(
        "Clients",
        [
            {"value": n, "style": f"fill: {BAND_FILL[band]}; {_bar(BAND_INK[Band.COLD])}"}
            for band, n in zip(BAND_ORDER, values, strict=True)
        ],
    )
    parts = ", ".join(f"{band.label} {n}" for band, n in zip(BAND_ORDER, values, strict=True))
    return render_svg(chart, f"Bar chart of clients in each band today: {parts}.")


def bands_by_month_chart(months: Sequence[tuple[str, dict[str, int]]]) -> str:
    """Return a stacked bar chart of clients per band at the end of each month."""
    top = max((sum(counts.get(b.value, 0) for b in BAND_ORDER) for _, counts in months), default=0)
    chart = pygal.StackedBar(
        style=_style(
            [BAND_FILL[band] for band in BAND_ORDER], [BAND_INK[band] for band in BAND_ORDER]
        ),
        **_config("Clients in each band, month by month", "Month", "Clients", top),
    )
    chart.x_labels = [label for label, _ in months]
    for band in BAND_ORDER:
        edge = BAND_INK[Band.COLD] if band == Band.CLOSE else BAND_INK[band]
        chart.add(
            band.label,
            [
                {"value": counts.get(band.value) or None, "style": _bar(edge)}
                for _, counts in months
            ],
        )
    first, last = months[0][0], months[-1][0]
    return render_svg(
        chart, f"Stacked bar chart of clients in each band at each month's end, {first} to {last}."
    )


def histogram_chart(buckets: Sequence[tuple[str, int]], *, title: str, x_title: str) -> str:
    """Return a bar chart of counts in labelled buckets, such as reply times."""
    chart = pygal.Bar(
        style=_style([PLAIN_FILL], [TEXT]),
        show_legend=False,
        print_values_position="top",
        **_config(title, x_title, "Messages", max((n for _, n in buckets), default=0)),
    )
    chart.x_labels = [label for label, _ in buckets]
    chart.add("Messages", [{"value": n, "style": _bar(PLAIN_INK)} for _, n in buckets])
    parts = ", ".join(f"{label}: {n}" for label, n in buckets)
    return render_svg(chart, f"Bar chart of {title[0].lower()}{title[1:]}: {parts}.")


@dataclass(frozen=True)
class Sparkline:
    """A small trend line's geometry and words, for templates/trust/_sparkline.html."""

    points: str
    last_x: float
    last_y: float
    title: str
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(
    history: Sequence[tuple[dt.date, float | None]], *, today: dt.date, days: int = 180
) -> Sparkline | None:
    """Return the trend of a client's scores over `days`, or None with fewer than two scores."""
    start = today - dt.timedelta(days=days)
    scored: list[tuple[dt.date, float]] = sorted(
        (day, total) for day, total in history if total is not None and start <= day <= today
    )
    if len(scored) < 2:
        return None
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD
    coords = [
        (
            SPARK_PAD + inner_w * (day - start).days / days,
            SPARK_PAD + inner_h * (1 - max(0.0, min(100.0, total)) / 100),
        )
        for day, total in scored
    ]
    first, last = round(scored[0][1]), round(scored[-1][1])
    return Sparkline(
        points=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        last_x=round(coords[-1][0], 1),
        last_y=round(coords[-1][1], 1),
        title=f"Score {first} → {last} over the last {days} days",
    )


LABEL_MAX = 34


def _percent(value: float) -> str:
    """Return a percentage for a bar: whole numbers, "<1%" for a sliver, never a false 0%."""
    if 0 < value < 0.5:
        return "<1%"
    return f"{value:.0f}%"


def _short(label: str) -> str:
    """Return a bar label short enough to leave the bars room; a trailing "(...)" is kept."""
    if len(label) <= LABEL_MAX:
        return label
    name, paren, note = label.partition(" (")
    tail = f" ({note}" if paren else ""
    return name[: LABEL_MAX - len(tail) - 1].rstrip() + "…" + tail


# The two shares of the fairness report: revenue pale with a dark edge, attention solid dark,
# so the bars tell apart without colour; each bar also prints its value.
REVENUE_FILL = "#f7e6dc"
ATTENTION_FILL = "#22385a"


def shares_chart(rows: Sequence[tuple[str, float | None, float]], *, title: str) -> str:
    """Return a horizontal bar chart of each (label, revenue %, attention %) side by side."""
    top = max((max(revenue or 0.0, attention) for _, revenue, attention in rows), default=0.0)
    # Headroom past the longest bar, so its value printed after the end stays on the chart.
    config = _config(title, "Share, %", "", max(1, int(top * 1.2 + 0.999)))
    config["height"] = 170 + 56 * len(rows)
    config["width"] = 640
    config["legend_at_bottom_columns"] = 1
    config["classes"] = [*config["classes"], "shares-chart"]  # type: ignore[misc]
    # The pale legend key needs the same dark edge as its bars to stand out from white.
    config["css"] = [
        *pygal.Config().css,
        f"inline:.shares-chart .legends .color-0 {{ stroke: {PLAIN_INK} !important; "
        "stroke-width: 1.5 !important }",
    ]
    config["value_formatter"] = _percent
    chart = pygal.HorizontalBar(
        style=_style([REVENUE_FILL, ATTENTION_FILL], [TEXT, TEXT]),
        print_values_position="top",
        **config,
    )
    # pygal draws the first label at the bottom: reversed, the list reads top to bottom.
    ordered = list(reversed(rows))
    chart.x_labels = [_short(label) for label, _, _ in ordered]
    chart.add(
        "Share of revenue",
        [{"value": revenue, "style": _bar(PLAIN_INK)} for _, revenue, _ in ordered],
    )
    chart.add("Share of our attention", [attention for _, _, attention in ordered])
    parts = "; ".join(
        f"{label}: "
        f"{'no yearly value recorded' if revenue is None else f'{_percent(revenue)} of revenue'}, "
        f"{_percent(attention)} of attention"
        for label, revenue, attention in rows
    )
    svg = render_svg(chart, f"Bar chart, {title[0].lower()}{title[1:]}: {parts}.")
    # pygal centres a value on the bar's end; start it just past the end so it never sits on it.
    return _VALUE_TEXT.sub(lambda m: m.group(0).replace('"middle"', '"start"'), svg)


_VALUE_TEXT = re.compile(r'<text [^>]*class="value"[^>]*>')
