"""assessments.charts: a trend drawn as an SVG chart with pygal."""

from xml.etree import ElementTree

from assessments.charts import LEGEND_LINE, PLOT_HEIGHT, trend_svg

SVG = "{http://www.w3.org/2000/svg}"
TREND = {
    "code": "grip_dynamometry",
    "name": "Grip strength (Jamar dynamometer)",
    "title": "Grip strength (Jamar dynamometer), kg",
    "unit": "kg",
    "series": [
        {
            "side": "left",
            "label": "Left",
            "points": [
                {"date": "2026-10-01", "value": "17.2"},
                {"date": "2026-11-01", "value": "18.0"},
            ],
        },
        {
            "side": "right",
            "label": "Right",
            "points": [
                {"date": "2026-10-01", "value": "21.5"},
                {"date": "2026-11-01", "value": "22.0"},
            ],
        },
    ],
    "bands": [{"low": "15.4", "high": "27.6", "label": "Normal range, women 75–79"}],
    "cutoffs": [{"value": "16", "label": "Low strength < 16 kg (EWGSOP2 2019)"}],
}


def _root(svg):
    # Our own chart, not untrusted input.
    return ElementTree.fromstring(svg)  # noqa: S314


def _texts(svg):
    root = _root(svg)
    return [text.text for text in root.iter(f"{SVG}text") if text.text]


def test_draws_the_title_a_legend_line_each_and_the_dates():
    # when
    svg = trend_svg(TREND)

    # then
    texts = _texts(svg)
    assert "Grip strength (Jamar dynamometer), kg" in texts
    for label in ("Normal range, women 75–79", "Left", "Right"):
        assert label in texts
    assert "Low strength < 16 kg (EWGSOP2 2019)" in texts
    assert {"10/01/2026", "11/01/2026"} <= set(texts)


def test_is_a_standalone_svg_sized_for_its_legend():
    # when
    root = _root(trend_svg(TREND))

    # then: no XML declaration to break inlining, and room for 4 legend lines
    assert root.tag == f"{SVG}svg"
    assert root.get("height") == str(PLOT_HEIGHT + 4 * LEGEND_LINE)


def test_band_is_filled_and_lines_are_not():
    # when
    svg = trend_svg(TREND)

    # then the band's path is filled; the results and the cut-off are lines
    root = _root(svg)
    paths = [
        path.get("class", "")
        for group in root.iter(f"{SVG}g")
        if "series" in group.get("class", "")
        for path in group.iter(f"{SVG}path")
    ]
    assert paths[0] == "line reactive"  # the band, filled
    assert all("nofill" in path for path in paths[1:])
    assert ".serie-3 .line{stroke-width:1.5;stroke-dasharray:6,4}" in svg


def test_a_single_result_still_draws():
    # given a test done once, without norms
    trend = TREND | {
        "series": [TREND["series"][0] | {"points": TREND["series"][0]["points"][:1]}],
        "bands": [],
        "cutoffs": [],
    }

    # when
    texts = _texts(trend_svg(trend))

    # then
    assert "10/01/2026" in texts
