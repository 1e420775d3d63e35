"""Figures of the 2-D latent space: the map, the live map's overlays, the decoded manifold, strips."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from explorer.figures.pixels import tile
from explorer.figures.spec import SpecFigure, typed
from explorer.figures.style import PALETTE, marker_size, sizes, style


def digit_traces(mu: np.ndarray, labels: np.ndarray, classroom: bool, size: float | None = None,
                 opacity: float = 0.8, showlegend: bool = True) -> list[go.Scattergl]:
    """One WebGL scatter per class (colour PALETTE[k], legend "k"); hover gives the digit and its index."""
    size = size or marker_size(classroom)
    traces = []
    for k in range(10):
        idx = np.flatnonzero(labels == k)
        traces.append(go.Scattergl(
            x=mu[idx, 0], y=mu[idx, 1], mode="markers", name=str(k), legendgroup=str(k),
            marker={"size": size, "color": PALETTE[k], "opacity": opacity},
            customdata=np.stack([np.full(len(idx), k), idx], axis=1),
            hovertemplate="digit %{customdata[0]} · test #%{customdata[1]}<br>"
                          "z = (%{x:.2f}, %{y:.2f})<extra></extra>",
            showlegend=showlegend))
    return traces


def _square_axes(fig: go.Figure, lo: float, hi: float, lo_y: float | None = None, hi_y: float | None = None,
                 fixed: bool = True) -> None:
    """Equal scale on both axes (the prior is round), fixed ranges so a click never zooms."""
    fig.update_xaxes(range=[lo, hi], title_text="z₁", fixedrange=fixed, zeroline=True,
                     zerolinecolor="#bbbbbb", constrain="domain")
    fig.update_yaxes(range=[lo if lo_y is None else lo_y, hi if hi_y is None else hi_y], title_text="z₂",
                     fixedrange=fixed, zeroline=True, zerolinecolor="#bbbbbb",
                     scaleanchor="x", scaleratio=1, constrain="domain")


def map_figure(mu: np.ndarray, labels: np.ndarray, half_width: float, classroom: bool,
               height: int = 480, faint: bool = False, centre: tuple[float, float] = (0.0, 0.0)) -> go.Figure:
    """A Plotly latent map: every test digit's mu coloured by class (trace k is digit k) over the
    square of half-width R around ``centre`` — the backdrop of the sampling and AE-vs-VAE views.

    ``faint``: pale dots and no class legend, a backdrop for other traces drawn on top.
    """
    fig = go.Figure()
    fig.add_traces(digit_traces(mu, labels, classroom, opacity=0.3 if faint else 0.8, showlegend=not faint))
    style(fig, classroom, height=height)
    (cx, cy), r = centre, half_width
    _square_axes(fig, cx - r, cx + r, cy - r, cy + r)
    legend = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0} if faint else {"title_text": "digit"}
    fig.update_layout(legend=dict(itemsizing="constant", itemwidth=30, **legend), hovermode="closest",
                      uirevision="latent-map")
    if faint:
        fig.update_layout(margin={"t": 50})
        fig.update_xaxes(fixedrange=False)
        fig.update_yaxes(fixedrange=False)
    return fig


def marker_trace(z, classroom: bool, name: str = "z", color: str = "#ffffff") -> dict:
    """A star at z: white fill and a black rim, visible on every class colour.

    A plain trace dict: it is built on every rerun, and plotly's validation of a go.Scattergl
    costs more than the rest of the map's rerun.
    """
    s = sizes(classroom)
    return {"type": "scattergl", "x": [float(z[0])], "y": [float(z[1])], "mode": "markers", "name": name,
            "showlegend": False, "hovertemplate": f"{name} = (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            "marker": {"symbol": "star", "size": 3 * s["marker"], "color": color,
                       "line": {"width": s["line"] * 0.8, "color": "#000000"}}}


def path_overlay(path: np.ndarray, label: str = "the path A → B") -> dict:
    """The straight interpolation path as plain data for the live map: its points (steps, 2), drawn
    as a black line with a white dot per decoded step and black ends labelled A and B."""
    return {"kind": "path", "points": np.round(np.asarray(path, dtype=np.float64)[:, :2], 4).ravel().tolist(),
            "ends": ["A", "B"], "color": "#000000", "label": label}


def point_overlay(z, color: str, label: str) -> dict:
    """One marked point for the live map (a star in ``color``), e.g. a chosen digit's code μ."""
    return {"kind": "point", "z": [round(float(z[0]), 4), round(float(z[1]), 4)], "color": color, "label": label}


def sampling_traces(mu, rings: dict, samples: np.ndarray, classroom: bool) -> list[dict]:
    """One digit's code distribution: N samples z, the kσ ellipses (``rings``: k -> outline) and mu, as plain
    trace dicts (a rerun with fresh samples builds them; plotly's validation of go objects would double that)."""
    s = sizes(classroom)
    traces = [{"type": "scattergl", "x": typed(samples[:, 0]), "y": typed(samples[:, 1]), "mode": "markers",
               "name": "samples z = μ + σ·ε",
               "marker": {"size": s["marker"] * 0.8, "color": "#000000", "opacity": 0.7,
                          "line": {"width": 1, "color": "#ffffff"}}}]  # the rim shows on dark
    for k, outline in sorted(rings.items()):
        traces.append({"type": "scatter", "x": typed(outline[:, 0]), "y": typed(outline[:, 1]), "mode": "lines",
                       "name": f"{k:g}σ",
                       "line": {"color": "#D55E00", "width": s["line"], "dash": "solid" if k == 1 else "dash"}})
    return traces + [marker_trace(mu, classroom, name="μ")]


def zoom(mu, rings: dict) -> dict:
    """Axis ranges centred on mu that show the widest ellipse with room around it."""
    span = max(float(np.max(np.abs(rings[max(rings)] - mu[:2]))) * 1.6, 0.4)
    return {"x": [mu[0] - span, mu[0] + span], "y": [mu[1] - span, mu[1] + span]}


def _png_uri(img: np.ndarray) -> str:
    """uint8 (H, W) -> a PNG data URI: a small payload, unlike a pixel array in the JSON."""
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def manifold_figure(images: np.ndarray, ticks: tuple[np.ndarray, np.ndarray], classroom: bool,
                    height: int = 520) -> go.Figure:
    """The decoded n×n grid as one picture; ``ticks`` (cell positions, z values) label both axes.

    With linear spacing the picture sits on the same z axes as the map; with icdf spacing the
    cells are equal-probability slices of N(0, 1), so the round z values bunch up near 0.
    """
    n = int(round(np.sqrt(len(images))))
    picture = tile(images, nrow=n, px=28)  # (28n, 28n)
    fig = go.Figure(go.Image(source=_png_uri(picture), x0=0.5 / 28, dx=1 / 28, y0=0.5 / 28, dy=1 / 28,
                             hoverinfo="skip"))
    position, values = ticks
    text = [f"{v:g}".replace("-", "−") for v in values]
    fig.update_xaxes(tickvals=position, ticktext=text, title_text="z₁",
                     range=[0, n], fixedrange=True, showgrid=False)
    fig.update_yaxes(tickvals=n - position, ticktext=text, title_text="z₂",
                     range=[n, 0], fixedrange=True, showgrid=False, scaleanchor="x", constrain="domain")
    return style(fig, classroom, height=height)


def assemble(base: dict, traces: list, ranges: dict | None = None) -> SpecFigure:
    """A figure from a base figure's dict plus traces (go objects or plain dicts) drawn on top.

    The base is left untouched and not validated again: plotly's validation of its thousands of
    points would cost more than the rest of a rerun.
    """
    layout = dict(base["layout"])
    for axis, rng in (ranges or {}).items():
        layout[f"{axis}axis"] = {**layout[f"{axis}axis"], "range": rng}
    data = base["data"] + [t if isinstance(t, dict) else t.to_plotly_json() for t in traces]
    return SpecFigure({"data": data, "layout": layout})
