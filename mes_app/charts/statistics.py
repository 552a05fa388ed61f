"""The Plotly figure of the statistics over time (issue 15 item 1): a plain dict, phone friendly.

Small counts are not drawn: a suppressed period is a gap (``None``), and its hover reads "< 10".
"""

from __future__ import annotations

from mes_app import i18n
from mes_app.domain import statistics as st

HEIGHT_PX = 300
COLORS = ("#0f766e", "#7c3aed", "#c2410c", "#2563eb")


def build_figure(labels: list[str], lines: list[tuple[str, list[int]]], lang: str = "fr") -> dict:
    """Bars per period, one trace per metric (``(text key, raw counts)``), counts suppressed."""
    data = []
    for index, (key, counts) in enumerate(lines):
        shown = [st.suppress(n) for n in counts]
        name = i18n.t(key, lang)
        data.append({
            "type": "bar",
            "name": name,
            "x": list(labels),
            "y": shown,
            "text": [st.shown_text(n) for n in counts],
            "hovertemplate": f"{name} : %{{text}}<br>%{{x}}<extra></extra>",
            "marker": {"color": COLORS[index % len(COLORS)]},
        })
    layout = {
        "autosize": True,
        "height": HEIGHT_PX,
        "barmode": "group",
        "margin": {"l": 40, "r": 10, "t": 10, "b": 60},
        "separators": ", " if lang == "fr" else ".,",
        "dragmode": False,
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.3, "font": {"size": 12}},
        "font": {"size": 12},
        "xaxis": {"type": "category", "fixedrange": True, "automargin": True},
        "yaxis": {"fixedrange": True, "rangemode": "tozero", "automargin": True},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return {"data": data, "layout": layout}
