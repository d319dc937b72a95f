"""Filters for the text printed beside a trend chart: its key and its data in a line."""

from django import template

from assessments import charts

register = template.Library()


@register.filter
def chart_legend(trend: dict) -> list[dict]:
    """Return the key of ``trend``'s chart: what each line looks like and its label."""
    return charts.legend(trend)


@register.filter
def chart_data(trend: dict) -> str:
    """Return the chart's results in one line: each date, then its value per side.

    "09/01/2025 Left 20.1, Right 15.2; 09/29/2025 Left 21.0, Right 16.8", or
    "09/01/2025 6; 09/29/2025 7" for a test without sides. The sealed note
    prints it under the chart where the pages have a data table: a table cell
    is a box of its own to WeasyPrint, and four charts' tables cost the note
    about 35 ms of its 350 ms (bench/note_norms_bench.py).
    """
    labels = [line["label"] for line in trend["series"]]
    named = len(labels) > 1 or any(labels)
    return "; ".join(
        f"{row['label']} "
        + ", ".join(
            f"{label} {value or '—'}" if named else value or "—"
            for label, value in zip(labels, row["values"], strict=True)
        )
        for row in trend["rows"]
    )
