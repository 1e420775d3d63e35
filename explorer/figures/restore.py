"""Figures for the denoise/inpaint page: the PSNR-vs-noise curve, the error map, the hole overlay."""

from __future__ import annotations

import numpy as np
from plotly.colors import hex_to_rgb, sample_colorscale, sequential, unlabel_rgb

from explorer.figures.spec import SpecFigure, axis, figure, layout, trace, typed
from explorer.figures.style import PALETTE, line_width, marker_size
from explorer.restoration import Curve

LEVEL_NAMES = {"gaussian": "Gaussian noise σ", "salt-and-pepper": "Fraction of pixels hit"}
HOLE_RGB = np.array(hex_to_rgb(PALETTE[4]), dtype=np.float32) / 255  # sky blue: clearly "not ink"
_RAMP = np.array([unlabel_rgb(c) for c in sample_colorscale(sequential.Inferno, np.linspace(0, 1, 256))],
                 dtype=np.uint8)  # (256, 3) black -> purple -> orange -> yellow


def error_map(error) -> np.ndarray:
    """Per-pixel error (28, 28) in [0, 1] -> RGB uint8 (28, 28, 3): black exact, yellow a full pixel off."""
    e = np.clip(np.asarray(error, dtype=np.float32), 0.0, 1.0)
    return _RAMP[(e * 255 + 0.5).astype(np.int64)]


def hole_overlay(masked, mask) -> np.ndarray:
    """The masked digit as RGB (28, 28, 3) uint8 with the missing pixels painted sky blue."""
    grey = np.clip(np.asarray(masked, dtype=np.float32), 0.0, 1.0)[..., None].repeat(3, axis=-1)
    missing = (np.asarray(mask, dtype=np.float32) == 0)[..., None]
    rgb = np.where(missing, HOLE_RGB, grey)
    return (rgb * 255 + 0.5).astype(np.uint8)


def psnr_curve(curve: Curve, level: float, classroom: bool) -> SpecFigure:
    """PSNR vs noise level over the test split: network, best classical filter and the noisy input.

    A dashed vertical line and one marker per curve show where the current slider level sits.
    Written as a plain spec: the go-object version spent most of the page's rerun validating it.
    """
    lines = (("network", curve.learned, PALETTE[0], "solid"),
             ("best classical filter", curve.baseline, PALETTE[1], "dash"),
             ("noisy input", curve.noisy, PALETTE[8], "dot"))
    data = []
    for name, values, colour, dash in lines:
        best = name.startswith("best")
        data.append(trace("scatter", x=typed(curve.levels), y=typed(values), name=name, mode="lines+markers",
                          line={"color": colour, "width": line_width(classroom), "dash": dash},
                          marker={"size": marker_size(classroom)},
                          **({"customdata": list(curve.filters)} if best else {}),
                          hovertemplate="%{y:.1f} dB" + (" (%{customdata})" if best else "") + f"<extra>{name}</extra>"))
    # the curves start at the first non-zero level: PSNR of a clean input is infinite
    if curve.levels[0] <= level <= curve.levels[-1]:
        ys = [float(np.interp(level, curve.levels, v)) for _, v, _, _ in lines]
        data.append(trace("scatter", x=[level] * 3, y=ys, mode="markers", name="current level", showlegend=False,
                          marker={"size": 2.2 * marker_size(classroom), "color": [c for _, _, c, _ in lines],
                                  "line": {"color": "white", "width": 2}},
                          hovertemplate="%{y:.1f} dB<extra>now</extra>"))
    slider_line = {"type": "line", "xref": "x", "yref": "y domain", "x0": level, "x1": level, "y0": 0, "y1": 1,
                   "line": {"color": "#888888", "width": 1.5, "dash": "dash"}}
    return figure(data, layout(
        classroom, height=460 if classroom else 380,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, hovermode="x unified",
        shapes=[slider_line],
        xaxis=axis(classroom, LEVEL_NAMES[curve.kind], range=[-0.03, 1.05]),  # room for the big marker at either end
        yaxis=axis(classroom, "PSNR (dB, higher is better)")))
