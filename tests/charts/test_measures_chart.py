"""Figures built in plain Python: traces, bands as shapes, phone-friendly layout, French formats."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from mes_app.charts.measures import ChartInput, GrowthCurve, Series, build_figure
from mes_app.domain.measures import BMI_BANDS, BP_BANDS

XS = ["2026-01-01 08:00", "2026-02-01 08:00", "2026-03-01 08:00"]


def bp_chart() -> ChartInput:
    return ChartInput(
        series=[Series("measures.systolic", XS, [118, 135, 152]), Series("measures.diastolic", XS, [76, 86, 95])],
        unit="mmHg",
        decimals=0,
        bands=BP_BANDS,
        threshold_lines=((90.0, "measures.diastolic_90"),),
    )


def test_blood_pressure_is_two_series_on_one_chart_over_its_bands():
    figure = build_figure(bp_chart(), "fr")
    go.Figure(figure)  # plotly accepts it as a figure
    series = [t for t in figure["data"] if t["meta"]["role"] == "series"]
    assert [t["name"] for t in series] == ["Systolique", "Diastolique"]
    assert series[0]["y"] == [118, 135, 152] and series[1]["x"] == XS
    rects = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    # bands clipped to the visible range: optimal … grade 1 (the top of the data is 152)
    assert [s["name"] for s in rects] == ["optimal", "normal", "high_normal", "grade_1"]
    assert all(s["layer"] == "below" and s["xref"] == "paper" for s in rects)
    y0, y1 = figure["layout"]["yaxis"]["range"]
    assert y0 < 76 and 152 < y1 < 180
    assert rects[0]["y0"] == y0 and rects[-1]["y1"] == y1
    assert [s["y0"] for s in figure["layout"]["shapes"] if s["type"] == "line"] == [90.0]
    assert figure["layout"]["showlegend"] is True


def test_bmi_bands_are_the_who_classes_behind_the_series():
    chart = ChartInput([Series("measure.bmi", XS, [23.9, 24.6, 25.4])], "kg/m²", 1, BMI_BANDS)
    figure = build_figure(chart, "en")
    names = [s["name"] for s in figure["layout"]["shapes"]]
    assert names == ["normal", "overweight"]
    normal = figure["layout"]["shapes"][0]
    assert (normal["y1"], figure["layout"]["shapes"][1]["y0"]) == (25, 25)
    assert figure["data"][0]["name"] == "BMI"


def test_the_figure_fits_a_phone():
    layout = build_figure(bp_chart(), "fr")["layout"]
    assert layout["autosize"] is True and "width" not in layout
    assert layout["dragmode"] is False
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
    assert layout["margin"]["l"] <= 50 and layout["margin"]["r"] <= 20


def test_french_and_english_number_and_date_formats():
    fr = build_figure(bp_chart(), "fr")
    en = build_figure(bp_chart(), "en")
    assert fr["layout"]["separators"] == ", " and en["layout"]["separators"] == ".,"
    assert "%d/%m/%Y" in fr["layout"]["xaxis"]["hoverformat"]
    assert "%b" in en["layout"]["xaxis"]["hoverformat"]
    assert "%d/%m/%Y" in fr["data"][0]["hovertemplate"]
    fr_ticks = [stop["value"] for stop in fr["layout"]["xaxis"]["tickformatstops"]]
    assert "%m/%Y" in fr_ticks and not any("%b" in v for v in fr_ticks)


def test_growth_curves_are_grey_lines_without_hover_under_the_childs_series():
    curves = [GrowthCurve(p, XS, [v, v + 1, v + 2]) for p, v in ((3, 5.0), (50, 7.0), (97, 9.0))]
    chart = ChartInput([Series("measure.weight", XS, [7.2, 8.1, 9.0])], "kg", 2, (), curves)
    figure = build_figure(chart, "fr")
    go.Figure(figure)
    roles = [t["meta"]["role"] for t in figure["data"]]
    assert roles == ["growth_curve"] * 3 + ["series"]  # curves drawn first, under the series
    assert [t["name"] for t in figure["data"][:3]] == ["P3", "P50", "P97"]
    assert all(t["hoverinfo"] == "skip" and not t["showlegend"] for t in figure["data"][:3])
    assert figure["layout"]["yaxis"]["range"][1] > 11  # the P97 curve is in view
    assert figure["layout"]["shapes"] == []


def test_many_points_are_drawn_as_a_line_and_an_empty_chart_is_valid():
    xs = [f"2026-01-01 {h:02d}:00" for h in range(24)] * 10
    figure = build_figure(ChartInput([Series("measure.weight", xs, [70.0] * 240)], "kg"), "fr")
    assert figure["data"][0]["mode"] == "lines"
    empty = build_figure(ChartInput([Series("measure.weight", [], [])], "kg"), "fr")
    go.Figure(empty)
    assert "range" not in empty["layout"]["yaxis"]
    json.dumps(empty)


def test_growth_curves_carry_their_percentile_at_their_end():
    curves = [GrowthCurve(p, XS, [v, v + 1, v + 2]) for p, v in ((3, 5.0), (15, 6.0), (50, 7.0), (85, 8.0), (97, 9.0))]
    chart = ChartInput([Series("measure.weight", XS, [7.2, 8.1, 9.0])], "kg", 2, (), curves)
    figure = build_figure(chart, "fr")
    go.Figure(figure)
    labels = figure["layout"]["annotations"]
    assert [a["text"] for a in labels] == ["P3", "P15", "P50", "P85", "P97"]
    assert [(a["x"], a["y"]) for a in labels] == [(XS[-1], v + 2) for v in (5.0, 6.0, 7.0, 8.0, 9.0)]
    assert all(a["xanchor"] == "left" and not a["showarrow"] for a in labels)
    assert figure["layout"]["margin"]["r"] >= 30  # room for "P97" right of the plot
    # an adult's chart has no curve and no label
    assert build_figure(bp_chart(), "fr")["layout"]["annotations"] == []


def test_one_day_of_data_shows_its_date_once():
    one_day = ChartInput([Series("measure.weight", ["2026-11-28 08:30"], [72.5])], "kg")
    for lang, label in (("fr", "28/11/2026"), ("en", "28 Nov 2026")):
        xaxis = build_figure(one_day, lang)["layout"]["xaxis"]
        go.Figure(build_figure(one_day, lang))
        assert xaxis["tickmode"] == "array" and xaxis["ticktext"] == [label]
        assert len(xaxis["tickvals"]) == 1 and "tickformatstops" not in xaxis
        assert xaxis["range"] == ["2026-11-28 00:00", "2026-11-28 23:59"]
    # morning and evening blood pressure of the same day: still one tick
    same_day = ["2026-11-28 08:00", "2026-11-28 20:00"]
    bp = ChartInput(
        [Series("measures.systolic", same_day, [120, 130]), Series("measures.diastolic", same_day, [80, 85])], "mmHg", 0
    )
    assert build_figure(bp, "fr")["layout"]["xaxis"]["ticktext"] == ["28/11/2026"]
    # several days: automatic ticks
    assert "tickvals" not in build_figure(bp_chart(), "fr")["layout"]["xaxis"]
