"""Figures for gradient descent: a curve with its moving tangent, and optimizers racing on a surface.

Scrubbing and playing run in the browser: each figure carries Plotly frames and its own slider and
play/pause buttons (:func:`player`), so moving through the steps needs no Streamlit rerun.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.descent import OPTIMIZERS, Trajectory
from explorer.figures.maps import add_map
from explorer.figures.style import PALETTE, line_width, marker_size, sizes, style

MAX_FRAMES = 120  # more frames only make the figure heavier; the eye cannot follow 500 steps anyway
PLAY_SECONDS = 8.0  # a whole run plays in about this long
GRID_N = 60  # the invisible click grid is GRID_N × GRID_N points: ≤ ~15 px apart on a laptop
START_COLOUR, MINIMUM_COLOUR = "#000000", "#FFFFFF"
LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
          "adagrad": "Adagrad", "adam": "Adam"}


def colour(optimizer: str) -> str:
    """One fixed colour per optimizer, the same on every chart."""
    return PALETTE[list(OPTIMIZERS).index(optimizer)]


def frame_steps(steps_run: int, current: int = 0) -> list[int]:
    """The steps that get a frame: all of them, or an even subset (with the first, last and current)."""
    if steps_run + 1 <= MAX_FRAMES:
        return list(range(steps_run + 1))
    picked = set(np.linspace(0, steps_run, MAX_FRAMES).round().astype(int).tolist()) | {current}
    return sorted(picked)


def player(steps: list[int], active: int, classroom: bool) -> dict:
    """Layout for an in-browser step slider plus play/pause buttons over frames named by step."""
    s = sizes(classroom)
    duration = int(np.clip(1000 * PLAY_SECONDS / max(len(steps), 1), 40, 400))
    play = dict(frame=dict(duration=duration, redraw=False), fromcurrent=True, transition=dict(duration=0))
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0))
    below = _axis_room(classroom)  # keep clear of the x tick labels and the x-axis title
    return dict(
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False, x=0, y=0, xanchor="left", yanchor="top",
            pad=dict(t=below + s["font"] * 1.4, r=10), font=dict(size=s["font"]),
            buttons=[dict(label="▶", method="animate", args=[None, play]),
                     dict(label="❚❚", method="animate", args=[[None], pause])],
        )],
        sliders=[dict(
            active=steps.index(active) if active in steps else 0, x=0.24 if classroom else 0.18,
            len=0.76 if classroom else 0.82, y=0, yanchor="top", pad=dict(t=below),
            font=dict(size=s["tick"]), ticklen=4, minorticklen=0,
            currentvalue=dict(prefix="step ", xanchor="right", font=dict(size=s["font"])),
            steps=[dict(method="animate", label=str(k), args=[[str(k)], pause]) for k in steps],
        )],
    )


def _axis_room(classroom: bool) -> int:
    """Pixels under the plot area taken by x tick labels and the x-axis title."""
    s = sizes(classroom)
    return int(s["tick"] * 1.6 + s["font"] * 1.8)


def bottom_margin(classroom: bool) -> int:
    """Room under the axes for the x-axis title, the slider and the play buttons."""
    return _axis_room(classroom) + int(sizes(classroom)["font"] * 5.2)


def view_range(domain: tuple[float, float], xs: np.ndarray, reach: float = 2.0) -> tuple[float, float]:
    """The drawn x-range: the domain widened to the path, but at most ``reach`` widths each side."""
    lo, hi = domain
    width = hi - lo
    lo2, hi2 = min(lo, float(np.min(xs))), max(hi, float(np.max(xs)))
    pad = 0.05 * (hi2 - lo2)
    return max(lo2 - pad, lo - reach * width), min(hi2 + pad, hi + reach * width)


def tangent(x: float, y: float, slope: float, half_width: float, half_height: float):
    """End points of a tangent segment of fixed on-screen size centred on (x, y)."""
    dx = half_width if abs(slope) * half_width <= half_height else half_height / abs(slope)
    return [x - dx, x + dx], [y - slope * dx, y + slope * dx]


def curve_figure(xs: np.ndarray, ys: np.ndarray, traj: Trajectory, current: int, classroom: bool,
                 minima: tuple = ()) -> go.Figure:
    """The curve with the path and the tangent at each step (slope printed), the loss per step below; animated."""
    lw, ms, s = line_width(classroom), marker_size(classroom), sizes(classroom)
    px, py, g = traj.points[:, 0], traj.losses, traj.grads[:, 0]  # (K+1,) each
    steps = frame_steps(traj.steps_run, current)
    finite = ys[np.isfinite(ys)]
    y_lo, y_hi = min(finite.min(), py.min()), max(finite.max(), py.max())
    y_top = y_hi + 0.22 * (y_hi - y_lo or 1.0)  # headroom for the slope readout
    half_w, half_h = 0.2 * (xs[-1] - xs[0]), 0.3 * (y_hi - y_lo or 1.0)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.7, 0.3], vertical_spacing=0.14)

    framed = np.array(steps)

    def moving(k: int) -> list[go.Scatter]:
        tx, ty = tangent(px[k], py[k], g[k], half_w, half_h)
        so_far = np.append(framed[framed < k], k)  # every step when all are framed, else the framed ones
        return [
            go.Scatter(x=px[so_far], y=py[so_far]),
            go.Scatter(x=tx, y=ty),
            go.Scatter(x=[px[k]], y=[py[k]]),
            go.Scatter(x=[xs[0] + 0.02 * (xs[-1] - xs[0])], y=[y_top],
                       text=[f"step {k}:  x = {px[k]:.3g},  slope f′(x) = {g[k]:.3g}"]),
            go.Scatter(x=[k], y=[py[k]]),
        ]

    trail, touch, point, readout, marker = moving(current)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="f(x)", showlegend=False,
                             line=dict(color=PALETTE[0], width=lw)), 1, 1)
    if minima:
        fig.add_trace(go.Scatter(x=[m[0] for m in minima], y=[np.interp(m[0], xs, ys) for m in minima],
                                 mode="markers", name="minimum",
                                 marker=dict(symbol="star", size=ms * 1.8, color=PALETTE[2],
                                             line=dict(color="black", width=1))), 1, 1)
    trail.update(mode="lines+markers", name="steps so far", marker=dict(size=ms * 0.8, color=PALETTE[1]),
                 line=dict(color=PALETTE[1], width=lw * 0.6))
    touch.update(mode="lines", name="tangent (slope)", line=dict(color=PALETTE[5], width=lw * 1.4))
    point.update(mode="markers", name="current x", showlegend=False,
                 marker=dict(size=ms * 2, color=PALETTE[5], line=dict(color="black", width=1.5)))
    readout.update(mode="text", showlegend=False, textposition="bottom right", hoverinfo="skip",
                   textfont=dict(size=s["font"], color=PALETTE[5]))
    for t in (trail, touch, point, readout):
        fig.add_trace(t, 1, 1)
    fig.add_trace(go.Scatter(x=np.arange(len(py)), y=py, mode="lines", name="loss", showlegend=False,
                             line=dict(color=PALETTE[1], width=lw)), 2, 1)
    fig.add_trace(marker.update(mode="markers", showlegend=False, marker=dict(size=ms * 1.6, color=PALETTE[5])), 2, 1)
    n = len(fig.data)
    moving_ids = [n - 6, n - 5, n - 4, n - 3, n - 1]
    fig.frames = [go.Frame(data=moving(k), traces=moving_ids, name=str(k)) for k in steps]
    fig.update_layout(**player(steps, current, classroom), hovermode="closest",
                      legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="x", range=[xs[0], xs[-1]], row=1, col=1)
    fig.update_yaxes(title_text="f(x)", range=[y_lo - 0.08 * (y_hi - y_lo), y_top], row=1, col=1)
    fig.update_xaxes(title_text="step k", range=[-0.5, max(len(py) - 0.5, 1)], row=2, col=1)
    _log_if_wide(fig, py, row=2, col=1)
    style(fig, classroom, height=700 if classroom else 600)
    fig.update_layout(margin=dict(t=50 if classroom else 40, b=bottom_margin(classroom)))
    return fig


def _log_if_wide(fig: go.Figure, losses: np.ndarray, **where) -> None:
    """Log-y when the losses are positive and span more than two decades (else the tail looks flat)."""
    lo, hi = float(np.min(losses)), float(np.max(losses))
    if lo > 0 and hi / lo > 100:
        every = max(1, int(np.ceil(np.log10(hi / lo) / 4)))  # at most ~5 labels, whole decades apart
        fig.update_yaxes(type="log", dtick=every, title_text="loss (log scale)", **where)
    else:
        fig.update_yaxes(title_text="loss", **where)


def heights(zs: np.ndarray) -> tuple[np.ndarray, bool]:
    """Values to colour and lift by: log(1 + f − min) when a few walls would flatten the rest."""
    z_min, median, top = np.nanmin(zs), np.nanmedian(zs), np.nanpercentile(zs, 99)
    if top - z_min > 10 * (median - z_min):
        return np.log1p(zs - z_min), True
    return zs, False


def lift(values: np.ndarray, zs: np.ndarray, logged: bool) -> np.ndarray:
    """Path losses on the same height scale as :func:`heights`."""
    return np.log1p(np.maximum(values - np.nanmin(zs), 0.0)) if logged else values


GRID_CURVE = 0  # the click grid is the first trace; a selection on any other curve is ignored


def contour_figure(xs, ys, zs, runs: dict[str, Trajectory], start, classroom: bool,
                   minima: tuple = ()) -> go.Figure:
    """Contour map, one path per optimizer, start and minima, racing heads, and an invisible click grid."""
    lw, ms = line_width(classroom), marker_size(classroom)
    gx, gy = np.meshgrid(np.linspace(xs[0], xs[-1], GRID_N), np.linspace(ys[0], ys[-1], GRID_N))
    # invisible but clickable: opacity 0 with hoverinfo "none" ("skip" would also swallow the click)
    fig = go.Figure(go.Scattergl(x=gx.ravel(), y=gy.ravel(), mode="markers", name="click grid", showlegend=False,
                                 marker=dict(size=ms * 2, opacity=0), hoverinfo="none"))
    add_map(fig, xs, ys, zs, "f(x, y)", classroom)
    for name, t in runs.items():  # hoverinfo "skip": clicks on a path fall through to the grid
        fig.add_trace(go.Scatter(x=t.points[:, 0], y=t.points[:, 1], mode="lines+markers", name=LABELS[name],
                                 line=dict(color=colour(name), width=lw), marker=dict(size=ms * 0.6),
                                 hoverinfo="skip"))
    if minima:
        fig.add_trace(go.Scatter(x=[m[0] for m in minima], y=[m[1] for m in minima], mode="markers", name="minimum",
                                 hoverinfo="skip", showlegend=False,
                                 marker=dict(symbol="star", size=ms * 2, color=MINIMUM_COLOUR,
                                             line=dict(color="black", width=1.5))))
    steps = frame_steps(max((t.steps_run for t in runs.values()), default=0))
    fig.add_trace(_heads(runs, 0, ms))
    fig.frames = [go.Frame(data=[_heads(runs, k, ms)], traces=[len(fig.data) - 1], name=str(k)) for k in steps]
    fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name="start", hoverinfo="skip",
                             showlegend=False, marker=dict(symbol="x", size=ms * 2, color=START_COLOUR,
                                                           line=dict(color="white", width=1))))
    fig.update_layout(**player(steps, 0, classroom), hovermode="closest", clickmode="event+select",
                      legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"))
    fig.update_xaxes(title_text="x", range=[xs[0], xs[-1]])
    fig.update_yaxes(title_text="y", range=[ys[0], ys[-1]])
    style(fig, classroom, height=640 if classroom else 560)
    fig.update_layout(margin=dict(t=50, b=bottom_margin(classroom)))
    return fig


def _heads(runs: dict[str, Trajectory], k: int, ms: float) -> go.Scatter:
    """Each optimizer's position at step k (runs that stopped early stay where they stopped)."""
    names = list(runs)
    at = [runs[n].points[min(k, runs[n].steps_run)] for n in names]
    return go.Scatter(x=[p[0] for p in at], y=[p[1] for p in at], mode="markers", name="position at step",
                      showlegend=False, hoverinfo="skip",
                      marker=dict(size=ms * 2, color=[colour(n) for n in names], line=dict(color="white", width=2)))


def surface_figure(xs, ys, zs, runs: dict[str, Trajectory], classroom: bool) -> go.Figure:
    """The 3-D landscape with each optimizer's path lying on it."""
    shade, logged = heights(zs)
    fig = go.Figure(go.Surface(x=xs, y=ys, z=shade, colorscale="Viridis", opacity=0.9, showscale=False,
                               contours=dict(z=dict(show=True, usecolormap=True, project_z=True))))
    for name, t in runs.items():
        px, py = t.points[:, 0], t.points[:, 1]
        lifted = lift(t.losses, zs, logged) + 0.01 * (np.nanmax(shade) - np.nanmin(shade))  # sit just above the skin
        off_map = (px < xs[0]) | (px > xs[-1]) | (py < ys[0]) | (py > ys[-1])
        lifted = np.where(off_map, np.nan, lifted)  # a runaway path leaves the picture instead of stretching it
        fig.add_trace(go.Scatter3d(x=px, y=py, z=lifted, mode="lines+markers", name=LABELS[name],
                                   line=dict(color=colour(name), width=line_width(classroom) * 2),
                                   marker=dict(size=marker_size(classroom) * 0.4, color=colour(name))))
    tick = dict(size=sizes(classroom)["tick"])
    fig.update_layout(scene=dict(xaxis=dict(title="x", tickfont=tick, range=[xs[0], xs[-1]]),
                                 yaxis=dict(title="y", tickfont=tick, range=[ys[0], ys[-1]]),
                                 zaxis=dict(title="log(1+f−min)" if logged else "f", tickfont=tick),
                                 aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                                 camera=dict(eye=dict(x=1.3, y=-1.4, z=0.9))),
                      legend=dict(orientation="h", y=1.0, x=0))
    return style(fig, classroom, height=600 if classroom else 520)


def loss_figure(runs: dict[str, Trajectory], classroom: bool) -> go.Figure:
    """Loss per step, one line per optimizer."""
    fig = go.Figure()
    for name, t in runs.items():
        fig.add_trace(go.Scatter(x=np.arange(len(t.losses)), y=t.losses, mode="lines", name=LABELS[name],
                                 line=dict(color=colour(name), width=line_width(classroom))))
    fig.update_xaxes(title_text="step k")
    losses = np.concatenate([t.losses for t in runs.values()]) if runs else np.ones(1)
    _log_if_wide(fig, losses)
    fig.update_layout(legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"))
    return style(fig, classroom, height=420 if classroom else 340)
