"""Plotly figures of health measures, built as plain dicts (``{"data": [...], "layout": {...}}``).

Pure: series in, figure out. No Reflex, no database. A plain dict is cheap to pickle and to
send (a ``go.Figure`` costs ~20 ms to unpickle, reflex-internals §6.3); ``go.Figure(figure)``
accepts it, which the tests use to validate it.

Phone first: ``autosize`` and no fixed width (the container decides), a fixed height, small
margins, no mode bar, axes that do not zoom (a swipe must scroll the page, not the chart),
markers big enough for a finger, French decimal comma and day/month dates in French.
Growth curves carry their percentile (P3…P97) at their right end, in the right margin; a chart
whose points all fall on one day shows that day once (one tick), not the same label at every
automatic sub-day tick.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from mes_app import i18n
from mes_app.domain.measures import Band

HEIGHT_PX = 300
SERIES_COLORS = ("#0d9488", "#7c3aed", "#db2777")
CURVE_COLOR = "rgba(100,116,139,0.55)"
CURVE_LABEL_COLOR = "rgb(71,85,105)"
CURVE_LABEL_MARGIN_PX = 34  # room at the right for "P97"
CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False, "doubleClick": False}


@dataclass(frozen=True)
class Series:
    """One line of readings: x as local ``"YYYY-MM-DD HH:MM"`` strings, y in display units."""

    name_key: str  # i18n key of its legend name
    xs: Sequence[str]
    ys: Sequence[float]


@dataclass(frozen=True)
class GrowthCurve:
    percentile: int
    xs: Sequence[str]
    ys: Sequence[float]


@dataclass(frozen=True)
class ChartInput:
    series: Sequence[Series]
    unit: str  # display label, "kg"
    decimals: int = 1
    bands: Sequence[Band] = ()
    curves: Sequence[GrowthCurve] = ()
    threshold_lines: Sequence[tuple[float, str]] = field(default=())  # (y, i18n key)


def _date_formats(lang: str) -> tuple[str, list[dict]]:
    if lang == "fr":
        hover = "%d/%m/%Y %H:%M"
        stops = [
            {"dtickrange": [None, 86_400_000 * 2], "value": "%d/%m<br>%H:%M"},
            {"dtickrange": [86_400_000 * 2, "M1"], "value": "%d/%m"},
            {"dtickrange": ["M1", "M12"], "value": "%m/%Y"},
            {"dtickrange": ["M12", None], "value": "%Y"},
        ]
    else:
        hover = "%d %b %Y %H:%M"
        stops = [
            {"dtickrange": [None, 86_400_000 * 2], "value": "%d %b<br>%H:%M"},
            {"dtickrange": [86_400_000 * 2, "M1"], "value": "%d %b"},
            {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
            {"dtickrange": ["M12", None], "value": "%Y"},
        ]
    return hover, stops


def _y_range(chart: ChartInput) -> list[float] | None:
    values = [y for s in chart.series for y in s.ys]
    values += [y for c in chart.curves for y in c.ys]
    values += [y for y, _ in chart.threshold_lines]
    if not values:
        return None
    low, high = min(values), max(values)
    pad = max((high - low) * 0.08, abs(high) * 0.02, 0.5)
    return [round(low - pad, 2), round(high + pad, 2)]


def _single_day(chart: ChartInput) -> str | None:
    """The day ("YYYY-MM-DD") when every plotted x falls on that one day, else None."""
    days = {x[:10] for s in chart.series for x in s.xs} | {x[:10] for c in chart.curves for x in c.xs}
    return next(iter(days)) if len(days) == 1 else None


def _curve_labels(chart: ChartInput) -> list[dict]:
    """P3…P97 written at the end of each curve, just right of its last point."""
    return [
        {
            "x": curve.xs[-1], "y": curve.ys[-1], "xref": "x", "yref": "y", "text": f"P{curve.percentile}",
            "showarrow": False, "xanchor": "left", "yanchor": "middle", "xshift": 3,
            "font": {"size": 10, "color": CURVE_LABEL_COLOR}, "name": f"label_P{curve.percentile}",
        }
        for curve in chart.curves if len(curve.xs) and len(curve.ys)
    ]


def build_figure(chart: ChartInput, lang: str = "fr") -> dict:
    """The figure of one chart. Bands are rectangles behind the series (``layout.shapes``,
    named after their class); growth curves are thin grey lines without hover."""
    hover_date, tick_stops = _date_formats(lang)
    y_range = _y_range(chart)
    data: list[dict] = []
    for curve in chart.curves:
        data.append({
            "type": "scatter",
            "mode": "lines",
            "name": f"P{curve.percentile}",
            "x": list(curve.xs),
            "y": list(curve.ys),
            "line": {"color": CURVE_COLOR, "width": 2 if curve.percentile == 50 else 1,
                     "dash": "solid" if curve.percentile == 50 else "dot"},
            "hoverinfo": "skip",
            "showlegend": False,
            "meta": {"role": "growth_curve", "percentile": curve.percentile},
        })
    for index, series in enumerate(chart.series):
        name = i18n.t(series.name_key, lang)
        many = len(series.xs) > 150
        data.append({
            "type": "scatter",
            "mode": "lines" if many else "lines+markers",
            "name": name,
            "x": list(series.xs),
            "y": list(series.ys),
            "line": {"color": SERIES_COLORS[index % len(SERIES_COLORS)], "width": 2.5},
            "marker": {"size": 9},
            "hovertemplate": f"{name} : %{{y:.{chart.decimals}f}} {chart.unit}<br>%{{x|{hover_date}}}<extra></extra>",
            "meta": {"role": "series"},
        })
    shapes = []
    if y_range is not None:
        for band in chart.bands:
            low, high = max(band.low, y_range[0]), min(band.high, y_range[1])
            if high <= low or math.isinf(low):
                continue
            shapes.append({
                "type": "rect", "name": band.key, "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                "y0": low, "y1": high, "fillcolor": band.color, "line": {"width": 0}, "layer": "below",
            })
    for y, _key in chart.threshold_lines:
        shapes.append({
            "type": "line", "name": f"threshold_{y:g}", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y,
            "y1": y, "line": {"color": "rgba(71,85,105,0.7)", "width": 1, "dash": "dash"}, "layer": "below",
        })
    labels = _curve_labels(chart)
    layout = {
        "autosize": True,
        "height": HEIGHT_PX,
        "margin": {"l": 44, "r": CURVE_LABEL_MARGIN_PX if labels else 10, "t": 10, "b": 48},
        "separators": ", " if lang == "fr" else ".,",
        "hovermode": "x unified" if len(chart.series) > 1 else "closest",
        "hoverlabel": {"font": {"size": 14}},
        "dragmode": False,
        "showlegend": len(chart.series) > 1,
        "legend": {"orientation": "h", "x": 0, "y": -0.22, "font": {"size": 12}},
        "font": {"size": 12},
        "xaxis": {"type": "date", "fixedrange": True, "nticks": 5, "tickformatstops": tick_stops,
                  "hoverformat": hover_date, "automargin": True},
        "yaxis": {"fixedrange": True, "nticks": 6, "ticksuffix": "", "title": {"text": chart.unit},
                  "automargin": True, "zeroline": False},
        "shapes": shapes,
        "annotations": labels,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    if y_range is not None:
        layout["yaxis"]["range"] = y_range
    day = _single_day(chart)
    if day is not None:  # one day: its date once, centred, the whole day in view
        layout["xaxis"].update({
            "range": [f"{day} 00:00", f"{day} 23:59"], "tickmode": "array",
            "tickvals": [f"{day} 12:00"], "ticktext": [i18n.format_date(day, lang)],
        })
        layout["xaxis"].pop("nticks", None)
        layout["xaxis"].pop("tickformatstops", None)
    return {"data": data, "layout": layout}
