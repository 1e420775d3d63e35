"""Figure for fitting a line: the data with the current line, and the loss surface over (w, b) with the path."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.figures.descent import bottom_margin, frame_steps, player
from explorer.figures.maps import add_map
from explorer.figures.style import PALETTE, line_width, marker_size, sizes, style
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


def fit_figure(c: np.ndarray, f: np.ndarray, fit: Fit, classroom: bool) -> go.Figure:
    """Left: the points and the line after each step (animated); right: the loss over (w, b) and the path."""
    lw, ms, s = line_width(classroom), marker_size(classroom), sizes(classroom)
    best = exact_fit(c, f)
    w_range, b_range = wb_window(fit, best)
    ws, bs, zs = loss_grid(c, f, w_range, b_range, n=300)
    steps = frame_steps(len(fit.w) - 1)
    c_ends = np.array([c.min() - 5, c.max() + 5])  # (2,) the line spans the data
    f_lo, f_hi = f.min() - 15, f.max() + 25
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("the points and the neuron's line", "loss over (w, b) and the path"))

    def moving(k: int) -> list[go.Scatter]:
        return [
            go.Scatter(x=c_ends, y=fit.w[k] * c_ends + fit.b[k]),
            go.Scatter(x=[c_ends[0]], y=[f_hi],
                       text=[f"step {k}: w = {fit.w[k]:.3f}, b = {fit.b[k]:.2f}, loss = {fit.losses[k]:.4g}"]),
            go.Scatter(x=[fit.w[k]], y=[fit.b[k]]),
        ]

    now = moving(steps[-1])
    fig.add_trace(go.Scatter(x=c, y=f, mode="markers", name="measurements",
                             marker=dict(size=ms * 1.2, color=PALETTE[0])), 1, 1)
    fig.add_trace(go.Scatter(x=c_ends, y=TRUE_W * c_ends + TRUE_B, mode="lines", name="true F = 1.8·C + 32",
                             line=dict(color=PALETTE[7], width=lw * 0.7, dash="dot")), 1, 1)
    fig.add_trace(now[0].update(mode="lines", name="neuron y = w·C + b", line=dict(color=PALETTE[5], width=lw * 1.3)),
                  1, 1)
    fig.add_trace(now[1].update(mode="text", showlegend=False, textposition="bottom right", hoverinfo="skip",
                                textfont=dict(size=s["tick"], color=PALETTE[5])), 1, 1)
    add_map(fig, ws, bs, zs, "", classroom, axes=("x2", "y2"), colorbar=False)
    fig.add_trace(go.Scatter(x=fit.w, y=fit.b, mode="lines+markers", name="path of (w, b)", hoverinfo="skip",
                             line=dict(color=PALETTE[1], width=lw * 0.8), marker=dict(size=ms * 0.5)), 1, 2)
    fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name="lowest loss",
                             marker=dict(symbol="star", size=ms * 2, color="white",
                                         line=dict(color="black", width=1.5))),
                  1, 2)
    fig.add_trace(now[2].update(mode="markers", showlegend=False, hoverinfo="skip",
                                marker=dict(size=ms * 1.8, color=PALETTE[5], line=dict(color="white", width=2))), 1, 2)
    n = len(fig.data)
    fig.frames = [go.Frame(data=moving(k), traces=[2, 3, n - 1], name=str(k)) for k in steps]
    fig.update_layout(**player(steps, steps[-1], classroom), hovermode="closest",
                      legend=dict(orientation="h", y=1.1, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="°C (input x)", row=1, col=1)
    fig.update_yaxes(title_text="°F (output y)", range=[f_lo, f_hi + 10], row=1, col=1)
    fig.update_xaxes(title_text="w (°F per °C)", range=list(w_range), row=1, col=2)
    fig.update_yaxes(title_text="b (°F)", range=list(b_range), row=1, col=2)
    style(fig, classroom, height=600 if classroom else 500)
    fig.update_annotations(font_size=s["font"])
    fig.update_layout(margin=dict(t=110 if classroom else 90, b=bottom_margin(classroom)))
    return fig
