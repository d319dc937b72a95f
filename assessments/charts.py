"""Trend charts of a patient's results, drawn once server-side as SVG with pygal.

``trend_svg`` draws a trend as ``results.trend_build`` describes it (plain,
JSON-safe data): the results over time, one line per side, the normal range
of the norms as a shaded band and each cut-off as a dashed line. The pages
show the SVG through an ``<img>`` (assessments.views.charts) and the sealed
note embeds the very same SVG, drawn from the trend stored with the note.

pygal writes a ``<style>`` and a small ``<script>`` (its tooltip configuration)
into every SVG. Inside an ``<img>`` a browser never runs the script and the
page's Content-Security-Policy does not reach the image's own style, so the
pages keep their strict policy; WeasyPrint ignores the script.

The stylesheet is this module's own short one (``_STYLE``) instead of pygal's
8 kB of interactive-chart rules: WeasyPrint parses and matches an SVG's
stylesheet for every chart of every note, and pygal's took most of a chart's
drawing time.
"""

from datetime import date

import pygal
from pygal.style import Style

WIDTH = 640
# The plot's height; each legend line adds its own below it.
PLOT_HEIGHT = 240
LEGEND_LINE = 18
# Days drawn before the first and after the last result, so a band and a
# cut-off stay visible around a single result.
_MARGIN_DAYS = 3
_BAND_COLORS = ("rgba(25, 135, 84, 0.16)", "rgba(13, 110, 253, 0.10)")
_SIDE_COLORS = {"left": "#0d6efd", "right": "#6f42c1", "na": "#0d6efd"}
_CUTOFF_COLOR = "#b02a37"
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# The fonts pygal's own short base stylesheet sets.
_FONTS = Style(
    font_family=_FONT,
    title_font_size=14,
    legend_font_size=11,
    label_font_size=10,
    major_label_font_size=10,
)
# What a printed chart needs: text, axes, light guides, and no fill on lines.
# pygal's markup is kept apart from its tooltips: ``.tooltip`` is never shown.
_STYLE = (
    "text{fill:#212529;stroke:none}"
    ".title{text-anchor:middle}"
    ".axis.x text{text-anchor:middle}"
    ".axis.y text{text-anchor:end}"
    ".background{fill:#fff}"
    ".axis .line{stroke:#212529}"
    ".axis .guide.line{stroke:#d0d0d0;stroke-dasharray:4,4}"
    ".axis.x .guide.line{display:none}"
    ".nofill,.guide.line{fill:none}"
    ".tooltip{display:none}"
)


def height(trend: dict) -> int:
    """Return the chart's height: the plot and a legend line per band, side and cut-off."""
    lines = len(trend["bands"]) + len(trend["series"]) + len(trend["cutoffs"])
    return PLOT_HEIGHT + LEGEND_LINE * lines


def trend_svg(trend: dict) -> str:
    """Return the trend's chart as a standalone SVG document (no XML declaration)."""
    days = sorted({_day(p["date"]) for s in trend["series"] for p in s["points"]})
    start, end = days[0] - _MARGIN_DAYS, days[-1] + _MARGIN_DAYS
    # (color, stroke width, dash) of each series in the order added, for _STYLE.
    looks: list[tuple[str, str, str]] = []
    chart = pygal.XY(
        js=[],
        css=[],
        style=_FONTS,
        disable_xml_declaration=True,
        explicit_size=True,
        width=WIDTH,
        height=height(trend),
        title=trend["title"],
        show_x_guides=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        truncate_legend=-1,
        dots_size=4,
        x_value_formatter=lambda day: date.fromordinal(int(day)).strftime("%m/%d/%Y"),
    )
    chart.x_labels = days
    # Floats from here on: pygal draws with them. The stored values stay
    # decimal strings in the trend.
    for index, band in enumerate(trend["bands"]):
        low, high = float(band["low"]), float(band["high"])
        chart.add(
            band["label"],
            [(start, high), (end, high), (end, low), (start, low), (start, high)],
            fill=True,
            show_dots=False,
        )
        looks.append((_BAND_COLORS[index % len(_BAND_COLORS)], "0.5", ""))
    for line in trend["series"]:
        chart.add(
            line["label"] or trend["name"],
            [(_day(p["date"]), float(p["value"])) for p in line["points"]],
        )
        looks.append((_SIDE_COLORS.get(line["side"], _SIDE_COLORS["na"]), "2", ""))
    for cutoff in trend["cutoffs"]:
        value = float(cutoff["value"])
        chart.add(cutoff["label"], [(start, value), (end, value)], show_dots=False)
        looks.append((_CUTOFF_COLOR, "1.5", "6,4"))
    chart.config.css = ["inline:" + _STYLE + _series_style(looks)]
    return chart.render(is_unicode=True)


def _series_style(looks: list[tuple[str, str, str]]) -> str:
    """Return each series' color, width and dash, by pygal's ``color-N`` class."""
    return "".join(
        f".color-{index}{{stroke:{color};fill:{color}}}"
        f".serie-{index} .line{{stroke-width:{width}"
        + (f";stroke-dasharray:{dash}" if dash else "")
        + "}"
        for index, (color, width, dash) in enumerate(looks)
    )


def _day(iso: str) -> int:
    """Return a date as the chart's x: its ordinal, so days are evenly spaced.

    (pygal's DateLine converts through the deprecated utcfromtimestamp.)
    """
    return date.fromisoformat(iso).toordinal()
