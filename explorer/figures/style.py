"""One look for every figure: the colour-blind-safe palette and classroom-sized type."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe–Ito (colour-blind safe) with a brown for its black and a lighter wine, so every class shows
# on Streamlit's light and dark backgrounds; CVD-simulated distances: tests/test_figure_style.py
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#996633", "#999999", "#B03A7A",
)

COLOUR_NAMES = {  # what a caption may call each colour the figures use
    "#0072B2": "blue", "#E69F00": "orange", "#009E73": "green", "#CC79A7": "pink", "#56B4E9": "sky-blue",
    "#D55E00": "red-orange", "#F0E442": "yellow", "#000000": "black", "#999999": "grey", "#882255": "wine",
    "#FFFFFF": "white",
}


def colour_name(hex_colour: str) -> str:
    """The word a caption uses for one of the figures' colours."""
    return COLOUR_NAMES[hex_colour.upper()]


NORMAL = {"font": 15, "tick": 14, "line": 2.5, "marker": 7, "digit_px": 196}
CLASSROOM = {"font": 22, "tick": 20, "line": 4.5, "marker": 11, "digit_px": 280}


def sizes(classroom: bool) -> dict:
    """Font, line, marker and digit-image sizes for normal or classroom (projector) mode."""
    return CLASSROOM if classroom else NORMAL


def layout_style(classroom: bool, titled: bool = False) -> dict:
    """The shared layout settings as plain nested dicts (what :func:`style` applies)."""
    s = sizes(classroom)
    return {
        "font": {"size": s["font"]},
        "colorway": list(PALETTE),
        "legend": {"font": {"size": s["tick"]}},
        "title": {"font": {"size": s["font"] + 2}},
        "hoverlabel": {"font": {"size": s["tick"]}},
        "margin": {"l": 10, "r": 10, "t": 40 if titled else 10, "b": 10},
    }


def axis_style(classroom: bool) -> dict:
    """Tick and axis-title fonts for every axis: Streamlit's theme sets tick fonts itself, so set them explicitly."""
    s = sizes(classroom)
    return {"tickfont": {"size": s["tick"]}, "title": {"font": {"size": s["font"]}}}


def style(fig: go.Figure, classroom: bool = False, height: int | None = None) -> go.Figure:
    """Apply the shared palette and font sizes to a go.Figure."""
    fig.update_layout(**layout_style(classroom, titled=bool(fig.layout.title.text)))
    fig.update_xaxes(**axis_style(classroom))
    fig.update_yaxes(**axis_style(classroom))
    if height:
        fig.update_layout(height=height)
    return fig


def line_width(classroom: bool) -> float:
    return sizes(classroom)["line"]


def marker_size(classroom: bool) -> float:
    return sizes(classroom)["marker"]
