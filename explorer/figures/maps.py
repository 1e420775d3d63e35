"""Contour maps drawn as a background picture, so in-browser animation cannot wipe them.

plotly.js removes every contour and heatmap trace of a subplot when it animates other traces of
that subplot (checked in headless Chromium, with and without ``redraw``). A layout image is not a
trace, so the map stays while the paths move: :func:`map_layers` draws the banded fill with darker
lines between the bands (a contour map) plus a colour bar. Bands are even steps of log(1 + f − min)
when a few high walls would squash the rest into one band, else of √(f − min), so a bowl shows
evenly spaced rings down to its bottom; the colour bar is labelled in f itself.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from explorer.figures.spec import trace, typed

LIGHT, DARK = np.array([255.0, 255.0, 255.0]), np.array([90.0, 107.0, 123.0])  # pale valleys, slate hills
MAP_COLOURS = [[0.0, "#FFFFFF"], [1.0, "#5A6B7B"]]  # the same two ends, for the colour bar
LEVELS = 24
LINE_SHADE = 0.72  # a contour line is its band's colour darkened by this factor


def map_png(values: np.ndarray, levels: int = LEVELS) -> str:
    """(n_y, n_x) values, row 0 at the lowest y -> a banded contour picture as a PNG data URI."""
    lo, hi = np.nanmin(values), np.nanmax(values)
    t = np.nan_to_num((values - lo) / ((hi - lo) or 1.0), nan=1.0)  # (n_y, n_x) in [0, 1]
    band = np.minimum((t * levels).astype(int), levels - 1)
    mid = ((band + 0.5) / levels)[..., None]
    rgb = (1 - mid) * LIGHT + mid * DARK  # (n_y, n_x, 3)
    edge = np.zeros(band.shape, dtype=bool)
    edge[:-1] |= band[:-1] != band[1:]
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    rgb[edge] *= LINE_SHADE
    buffer = io.BytesIO()
    Image.fromarray(rgb[::-1].round().astype(np.uint8)).save(buffer, format="PNG")  # image rows run top-down
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def tick_label(v: float) -> str:
    """3 significant digits, but 2,510 rather than 2.51e+03."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def band_scale(values: np.ndarray):
    """The banding variable and its inverse: log(1 + f − min) for wide ranges, else √(f − min)."""
    lo, median, top = np.nanmin(values), np.nanmedian(values), np.nanpercentile(values, 99)
    if top - lo > 10 * (median - lo):
        return np.log1p(values - lo), lambda s: np.expm1(s) + lo
    return np.sqrt(np.maximum(values - lo, 0.0)), lambda s: s ** 2 + lo


MAP_AXIS = {"showgrid": False, "zeroline": False}  # grid and zero lines would cut across the picture


def map_layers(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, title: str, classroom: bool,
               axes: tuple[str, str] = ("x", "y"), colorbar: bool = True) -> tuple[dict, dict | None]:
    """The contour picture of ``values`` as a layout image under the subplot on ``axes`` (give those axes
    :data:`MAP_AXIS`), and the trace that carries its colour bar (None without one)."""
    shade, to_value = band_scale(values)
    image = {"layer": "below", "sizex": xs[-1] - xs[0], "sizey": ys[-1] - ys[0], "sizing": "stretch",
             "source": map_png(shade), "x": xs[0], "xref": axes[0], "y": ys[-1], "yref": axes[1]}
    if not colorbar:
        return image, None
    lo, hi = float(np.nanmin(shade)), float(np.nanmax(shade))
    ticks = np.linspace(lo, hi, 6)
    # a marker-less scatter carries the colour bar, since the picture cannot
    bar = trace("scatter", axes, x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip", marker={
        "colorscale": MAP_COLOURS, "cmin": lo, "cmax": hi, "color": [lo], "showscale": True,
        "colorbar": {"title": {"text": title, "side": "right"}, "thickness": 22 if classroom else 14,
                     "tickvals": typed(ticks), "ticktext": [tick_label(to_value(t)) for t in ticks]}})
    return image, bar
