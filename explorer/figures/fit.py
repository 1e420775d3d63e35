"""Figure for fitting a line: the data with the current line, and the loss surface over (w, b) with the path."""

from __future__ import annotations

import numpy as np

from explorer.figures.descent import bottom_margin, frame_steps, player
from explorer.figures.maps import MAP_AXIS, map_layers
from explorer.figures.spec import SpecFigure, axis, figure, layout, trace, typed
from explorer.figures.style import PALETTE, line_width, marker_size, sizes
from explorer.fitline import TRUE_B, TRUE_W, Fit, exact_fit, loss_grid

W_REACH, B_REACH = 4.0, 80.0  # the map never shows more than this far from the best line (runaway runs)


def wb_window(fit: Fit, best: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (w, b) ranges of the map: the start, the path and the best line, with a margin, capped."""
    (w0, b0), ranges = best, []
    for values, centre, reach in ((fit.w, w0, W_REACH), (fit.b, b0, B_REACH)):
        lo, hi = min(values.min(), centre), max(values.max(), centre)
        pad = 0.12 * (hi - lo) + 0.05 * reach
        ranges.append((max(lo - pad, centre - reach), min(hi + pad, centre + reach)))
    return ranges[0], ranges[1]


PANEL_COLUMNS = ([0.0, 0.44], [0.56, 1.0])  # x-domains of make_subplots(rows=1, cols=2, horizontal_spacing=0.12)


def loss_picture(c: np.ndarray, f: np.ndarray, w_range, b_range) -> dict:
    """The loss over the (w, b) window as a contour picture under the right-hand panel."""
    ws, bs, zs = loss_grid(c, f, w_range, b_range, n=300)
    return map_layers(ws, bs, zs, "", False, axes=("x2", "y2"), colorbar=False)[0]


def fit_figure(c: np.ndarray, f: np.ndarray, fit: Fit, classroom: bool, picture: dict | None = None) -> SpecFigure:
    """Left: the points and the line after each step (animated); right: the loss over (w, b) and the path.

    ``picture``: :func:`loss_picture` of this fit's :func:`wb_window`, made once by the caller; made here when None.
    """
    lw, ms, s = line_width(classroom), marker_size(classroom), sizes(classroom)
    best = exact_fit(c, f)
    w_range, b_range = wb_window(fit, best)
    steps = frame_steps(len(fit.w) - 1)
    c_ends = np.array([c.min() - 5, c.max() + 5])  # (2,) the line spans the data
    f_lo, f_hi = f.min() - 15, f.max() + 25

    def moving(k: int) -> list[dict]:
        """The neuron's line, the readout and the (w, b) point at step k: what each frame replaces."""
        return [
            trace("scatter", x=typed(c_ends), y=typed(fit.w[k] * c_ends + fit.b[k])),
            trace("scatter", x=[c_ends[0]], y=[f_hi],
                  text=[f"step {k}: w = {fit.w[k]:.3f}, b = {fit.b[k]:.2f}<br>loss = {fit.losses[k]:.4g}"]),  # two lines fit a projector
            trace("scatter", x=[fit.w[k]], y=[fit.b[k]]),
        ]

    line, readout, point = moving(steps[-1])
    left, right = ("x", "y"), ("x2", "y2")
    image = picture or loss_picture(c, f, w_range, b_range)
    data = [
        trace("scatter", left, x=typed(c), y=typed(f), mode="markers", name="measurements",
              marker=dict(size=ms * 1.2, color=PALETTE[0])),
        trace("scatter", left, x=typed(c_ends), y=typed(TRUE_W * c_ends + TRUE_B), mode="lines",
              name="true F = 1.8·C + 32", line=dict(color=PALETTE[7], width=lw * 0.7, dash="dot")),
        {**line, "xaxis": "x", "yaxis": "y", "mode": "lines", "name": "neuron y = w·C + b",
         "line": dict(color=PALETTE[5], width=lw * 1.3)},
        {**readout, "xaxis": "x", "yaxis": "y", "mode": "text", "showlegend": False, "textposition": "bottom right",
         "hoverinfo": "skip", "textfont": dict(size=s["tick"], color=PALETTE[5])},
        trace("scatter", right, x=typed(fit.w), y=typed(fit.b), mode="lines+markers", name="path of (w, b)",
              hoverinfo="skip", line=dict(color=PALETTE[1], width=lw * 0.8), marker=dict(size=ms * 0.5)),
        trace("scatter", right, x=[best[0]], y=[best[1]], mode="markers", name="lowest loss",
              marker=dict(symbol="star", size=ms * 2, color="white", line=dict(color="black", width=1.5))),
        {**point, "xaxis": "x2", "yaxis": "y2", "mode": "markers", "showlegend": False, "hoverinfo": "skip",
         "marker": dict(size=ms * 1.8, color=PALETTE[5], line=dict(color="white", width=2))},
    ]
    frames = [{"data": moving(k), "name": str(k), "traces": [2, 3, len(data) - 1]} for k in steps]
    titles = [{"font": {"size": s["font"]}, "showarrow": False, "text": text, "x": sum(domain) / 2, "xanchor": "center",
               "xref": "paper", "y": 1.0, "yanchor": "bottom", "yref": "paper"}
              for text, domain in zip(("the points and the neuron's line", "loss over (w, b) and the path"), PANEL_COLUMNS)]
    return figure(data, layout(
        classroom, 600 if classroom else 500, legend=dict(orientation="h", y=1.1, x=0, yanchor="bottom"),
        margin=dict(t=110 if classroom else 90, b=bottom_margin(classroom)), hovermode="closest",
        annotations=titles, images=[image], **player(steps, steps[-1], classroom),
        xaxis=axis(classroom, "°C (input x)", anchor="y", domain=PANEL_COLUMNS[0]),
        yaxis=axis(classroom, "°F (output y)", anchor="x", domain=[0.0, 1.0], range=[f_lo, f_hi + 10]),
        xaxis2=axis(classroom, "w (°F per °C)", anchor="y2", domain=PANEL_COLUMNS[1], **MAP_AXIS, range=list(w_range)),
        yaxis2=axis(classroom, "b (°F)", anchor="x2", domain=[0.0, 1.0], **MAP_AXIS, range=list(b_range)),
    ), frames)
