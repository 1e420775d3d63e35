"""One look for every figure: the colour-blind-safe palette and classroom-sized type."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe–Ito (colour-blind safe), extended by a grey and a wine so the ten digit classes differ
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#000000", "#999999", "#882255",
)

NORMAL = {"font": 15, "tick": 14, "line": 2.5, "marker": 7, "digit_px": 196}
CLASSROOM = {"font": 22, "tick": 20, "line": 4.5, "marker": 11, "digit_px": 280}


def sizes(classroom: bool) -> dict:
    """Font, line, marker and digit-image sizes for normal or classroom (projector) mode."""
    return CLASSROOM if classroom else NORMAL


def style(fig: go.Figure, classroom: bool = False, height: int | None = None) -> go.Figure:
    """Apply the shared palette and font sizes; Streamlit's theme sets tick fonts itself, so set them explicitly."""
    s = sizes(classroom)
    fig.update_layout(
        font=dict(size=s["font"]),
        colorway=list(PALETTE),
        legend=dict(font=dict(size=s["tick"])),
        title_font=dict(size=s["font"] + 2),
        hoverlabel=dict(font_size=s["tick"]),
        margin=dict(l=10, r=10, t=40 if fig.layout.title.text else 10, b=10),
    )
    fig.update_xaxes(tickfont=dict(size=s["tick"]), title_font=dict(size=s["font"]))
    fig.update_yaxes(tickfont=dict(size=s["tick"]), title_font=dict(size=s["font"]))
    if height:
        fig.update_layout(height=height)
    return fig


def line_width(classroom: bool) -> float:
    return sizes(classroom)["line"]


def marker_size(classroom: bool) -> float:
    return sizes(classroom)["marker"]
