"""assessments.charts: a trend drawn as an SVG chart with pygal, and its key."""

from xml.etree import ElementTree

import pytest
from pygal.etree import etree

from assessments.charts import HEIGHT, legend, trend_svg
from assessments.templatetags.trend_charts import chart_data

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
    "rows": [
        {"label": "10/01/2026", "values": ["17.2", "21.5"]},
        {"label": "11/01/2026", "values": ["18.0", ""]},
    ],
}


def _root(svg):
    # Our own chart, not untrusted input.
    return ElementTree.fromstring(svg)  # noqa: S314


def _texts(svg):
    root = _root(svg)
    return [text.text for text in root.iter(f"{SVG}text") if text.text]


def test_draws_the_dates_and_values_but_not_the_title_or_legend():
    # when
    svg = trend_svg(TREND)

    # then the axes are labelled; the title and the key are text beside the
    # chart (legend()), not letters WeasyPrint lays out one by one
    texts = _texts(svg)
    assert {"10/01/26", "11/01/26"} <= set(texts)
    assert any(text.isdigit() for text in texts)
    for label in ("Grip strength (Jamar dynamometer), kg", "Left", "Right"):
        assert label not in texts
    assert "Low strength < 16 kg (EWGSOP2 2019)" not in svg


def test_the_title_is_the_svg_documents_own():
    # when
    root = _root(trend_svg(TREND))

    # then a chart opened on its own still says what it shows
    assert [title.text for title in root.iter(f"{SVG}title")] == [
        "Grip strength (Jamar dynamometer), kg"
    ]
    assert root.find(f"{SVG}title") is not None


def test_is_a_standalone_svg_of_a_fixed_size_without_tooltips_or_script():
    # when
    svg = trend_svg(TREND)
    root = _root(svg)

    # then no XML declaration to break inlining, and nothing an image never shows
    assert root.tag == f"{SVG}svg"
    assert root.get("height") == str(HEIGHT)
    assert root.get("id") is None
    tags = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert not tags & {"desc", "script"}
    assert "tooltip-overlay" not in svg
    assert "<!--" not in svg
    # pygal's own stylesheet gave way to the chart's short one
    assert "font-size:14px" not in svg


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


def test_each_result_is_a_dot():
    # when
    root = _root(trend_svg(TREND))

    # then two dates, two sides
    assert len(list(root.iter(f"{SVG}circle"))) == 4


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
    assert "10/01/26" in texts


def test_the_key_names_each_line_as_drawn_in_order():
    # when
    key = legend(TREND)

    # then
    assert key == [
        {"mark": "green band", "label": "Normal range, women 75–79"},
        {"mark": "blue line", "label": "Left"},
        {"mark": "purple line", "label": "Right"},
        {"mark": "red dashed line", "label": "Low strength < 16 kg (EWGSOP2 2019)"},
    ]


def test_a_goal_is_drawn_as_a_line_of_its_own_with_its_key():
    # given the trend with a goal of the plan of care
    goal = {"value": "24", "label": "Goal: at least 24 kg by 01/15/2027"}
    with_goal = TREND | {"goals": [goal]}

    # when
    svg = trend_svg(with_goal)

    # then it is in the key and drawn as a series of its own
    assert legend(with_goal)[-1] == {
        "mark": "green dotted line",
        "label": goal["label"],
    }
    assert ".serie-4 .line{stroke-width:1.5;stroke-dasharray:2,3}" in svg


def test_a_trend_stored_before_goals_were_drawn_still_draws():
    # given a trend stored with a note signed before trends had goals
    assert "goals" not in TREND
    # when / then
    assert _root(trend_svg(TREND)).find(f"{SVG}title").text == TREND["title"]
    assert len(legend(TREND)) == 4


def test_a_test_without_sides_is_keyed_by_its_name():
    # given
    trend = TREND | {
        "series": [{"side": "na", "label": "", "points": TREND["series"][0]["points"]}]
    }

    # when / then
    assert legend(trend)[1] == {"mark": "blue line", "label": TREND["name"]}


@pytest.mark.parametrize("lxml", [True, False])
def test_draws_the_same_with_either_etree_pygal_uses(lxml):
    # given pygal on lxml (installed here) or on the standard library's etree
    try:
        etree.to_lxml() if lxml else etree.to_etree()
        # when
        root = _root(trend_svg(TREND))
    finally:
        etree.to_lxml()

    # then
    assert root.find(f"{SVG}title").text == TREND["title"]
    assert not {node.tag for node in root.iter()} & {f"{SVG}desc", f"{SVG}script"}


def test_chart_data_prints_each_date_with_its_value_per_side():
    # when / then: a side without a result that day is a dash
    assert (
        chart_data(TREND)
        == "10/01/2026 Left 17.2, Right 21.5; 11/01/2026 Left 18.0, Right —"
    )


def test_chart_data_of_a_test_without_sides_is_the_values_alone():
    # given
    trend = TREND | {
        "series": [{"side": "na", "label": "", "points": []}],
        "rows": [{"label": "10/01/2026", "values": ["9"]}],
    }
    # when / then
    assert chart_data(trend) == "10/01/2026 9"
