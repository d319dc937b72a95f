"""Trend charts of a patient's results, drawn once server-side as SVG with pygal.

``trend_svg`` draws a trend as ``results.trend_build`` describes it (plain,
JSON-safe data): the results over time, one line per side, the normal range
of the norms as a shaded band, each cut-off as a dashed line and each goal of
the plan of care measured by the test as a dotted line. The pages show the
SVG through an ``<img>`` (assessments.views.charts) and the sealed note embeds
the very same SVG, drawn from the trend stored with the note.

The SVG holds the plot and its axes only. The chart's title and its key
(``legend``: "red dashed line = Low strength < 16 kg …") are HTML text beside
the image, on the pages as in the note: WeasyPrint lays out every letter of an
SVG ``<text>`` on its own, so a drawn title and legend cost the note more than
the rest of the chart (bench/note_norms_bench.py). The SVG keeps the title as
its ``<title>``, so a chart opened on its own still says what it shows.

pygal writes tooltips (``<desc>`` elements, a tooltip group, a ``<script>``)
and 8 kB of interactive-chart CSS into every SVG. An ``<img>`` never runs the
script nor shows a tooltip, and WeasyPrint parses and matches every element
and rule of every chart of a note, so ``_printable`` (a pygal XML filter)
takes them out and puts this module's short stylesheet in their place.
"""

from dataclasses import dataclass
from datetime import date

import pygal
from pygal.etree import etree

WIDTH = 640
HEIGHT = 240
# Days drawn before the first and after the last result, so a band and a
# cut-off stay visible around a single result.
_MARGIN_DAYS = 3
# How each kind of line is drawn (colour, stroke width, dash) and the words
# the chart's key gives it, so the key printed beside the chart names what the
# reader sees, in words that survive a black-and-white fax.
_BANDS = (
    ("rgba(25, 135, 84, 0.16)", "green band"),
    ("rgba(13, 110, 253, 0.10)", "blue band"),
)
_SIDES = {
    "left": ("#0d6efd", "blue line"),
    "right": ("#6f42c1", "purple line"),
    "na": ("#0d6efd", "blue line"),
}
_CUTOFF = ("#b02a37", "red dashed line")
_GOAL = ("#146c43", "green dotted line")
# What a printed chart needs: axis labels, axes, light guides, no fill on lines.
_STYLE = (
    "text{fill:#212529;font-family:Liberation Sans,Arial,Helvetica,sans-serif;"
    "font-size:10px}"
    ".axis.x text{text-anchor:middle}"
    ".axis.y text{text-anchor:end}"
    ".background{fill:#fff}"
    ".axis .line{stroke:#212529}"
    ".guide.line{stroke:#d0d0d0;stroke-dasharray:4,4;fill:none}"
    ".nofill{fill:none}"
)
# pygal's tooltip and value-label layers: empty or never shown in an image.
_UNSHOWN_LAYERS = ("tooltip-overlay", "text-overlay")


@dataclass(frozen=True, kw_only=True)
class _Line:
    """One series of the chart: a result line, a band, a cut-off or a goal."""

    label: str
    points: list[tuple[float, float]]
    color: str
    width: str
    mark: str
    dash: str = ""
    filled: bool = False
    dots: bool = False


def legend(trend: dict) -> list[dict]:
    """Return the chart's key: what each line looks like (``mark``) and its ``label``.

    In the order the lines are drawn: bands, results, cut-offs, goals.
    """
    return [{"mark": line.mark, "label": line.label} for line in _lines(trend)]


def trend_svg(trend: dict) -> str:
    """Return the trend's chart as a standalone SVG document (no XML declaration)."""
    lines = _lines(trend)
    chart = pygal.XY(
        js=[],
        css=[],
        disable_xml_declaration=True,
        explicit_size=True,
        no_prefix=True,
        width=WIDTH,
        height=HEIGHT,
        show_legend=False,
        show_x_guides=False,
        dots_size=4,
        # About 5 labelled values on the y axis: each label is text WeasyPrint
        # lays out letter by letter.
        max_scale=6,
        x_value_formatter=lambda day: date.fromordinal(int(day)).strftime("%m/%d/%y"),
    )
    chart.x_labels = sorted({x for line in lines if line.dots for x, _ in line.points})
    for line in lines:
        chart.add(line.label, line.points, fill=line.filled, show_dots=line.dots)
    chart.add_xml_filter(
        lambda root: _printable(root, title=trend["title"], lines=lines)
    )
    return chart.render(is_unicode=True)


def _lines(trend: dict) -> list[_Line]:
    """Return the trend's series in drawing order, as floats: pygal draws with them.

    The stored values stay decimal strings in the trend.
    """
    days = sorted({_day(p["date"]) for s in trend["series"] for p in s["points"]})
    start, end = days[0] - _MARGIN_DAYS, days[-1] + _MARGIN_DAYS
    lines = []
    for index, band in enumerate(trend["bands"]):
        low, high = float(band["low"]), float(band["high"])
        color, mark = _BANDS[index % len(_BANDS)]
        corners = [(start, high), (end, high), (end, low), (start, low), (start, high)]
        lines.append(
            _Line(
                label=band["label"],
                points=corners,
                color=color,
                width="0.5",
                mark=mark,
                filled=True,
            )
        )
    for series in trend["series"]:
        color, mark = _SIDES.get(series["side"], _SIDES["na"])
        lines.append(
            _Line(
                label=series["label"] or trend["name"],
                points=[(_day(p["date"]), float(p["value"])) for p in series["points"]],
                color=color,
                width="2",
                mark=mark,
                dots=True,
            )
        )
    # Trends stored with notes signed before goals were drawn have none.
    for level, (color, mark), dash in (
        *((cutoff, _CUTOFF, "6,4") for cutoff in trend["cutoffs"]),
        *((goal, _GOAL, "2,3") for goal in trend.get("goals", [])),
    ):
        value = float(level["value"])
        lines.append(
            _Line(
                label=level["label"],
                points=[(start, value), (end, value)],
                color=color,
                width="1.5",
                mark=mark,
                dash=dash,
            )
        )
    return lines


def _printable(root: etree.Element, *, title: str, lines: list[_Line]) -> etree.Element:
    """Keep what a chart image shows: the plot, its axes and its labels.

    Drops pygal's tooltips, script, comments, hidden vertical guides and the
    ``<title>`` of each axis label, gives the chart ``title`` as its own
    ``<title>``, and replaces pygal's stylesheet with ``_STYLE`` and each
    series' look. Written for either etree pygal may use (lxml or the
    standard library's), so it walks a map of parents instead of lxml's
    ``getparent``.
    """
    parents = {child: parent for parent in root.iter() for child in parent}
    for node, parent in parents.items():
        if _unshown(node, parents, root):
            parent.remove(node)
    for group in reversed([node for node in parents if node.tag == "g"]):
        if len(group) == 0 and group in parents[group]:
            parents[group].remove(group)
    root.attrib.pop("id", None)
    root.find("title").text = title
    root.find("defs/style").text = _STYLE + _series_style(lines)
    return root


def _unshown(node: etree.Element, parents: dict, root: etree.Element) -> bool:
    """Say whether ``node`` draws nothing an image shows (see ``_printable``)."""
    parent = parents[node]
    if node.tag in ("desc", "script") or node.tag is etree.Comment:
        return True
    if node.tag == "title":
        return parent is not root
    kind = node.get("class", "")
    if node.tag == "g":
        return any(layer in kind for layer in _UNSHOWN_LAYERS)
    # A vertical guide (in the x axis' guides group): pygal draws it hidden.
    grandparent = parents.get(parent)
    return (
        node.tag == "path"
        and "guide" in kind
        and grandparent is not None
        and grandparent.get("class") == "axis x"
    )


def _series_style(lines: list[_Line]) -> str:
    """Return each series' color, width and dash, by pygal's ``color-N`` class."""
    return "".join(
        f".color-{index}{{stroke:{line.color};fill:{line.color}}}"
        f".serie-{index} .line{{stroke-width:{line.width}"
        + (f";stroke-dasharray:{line.dash}" if line.dash else "")
        + "}"
        for index, line in enumerate(lines)
    )


def _day(iso: str) -> int:
    """Return a date as the chart's x: its ordinal, so days are evenly spaced.

    (pygal's DateLine converts through the deprecated utcfromtimestamp.)
    """
    return date.fromisoformat(iso).toordinal()
