"""Figures for gradient descent: a curve with its moving tangent, and optimizers racing on a surface.

Scrubbing and playing run in the browser: each figure carries Plotly frames and its own slider and
play/pause buttons (:func:`player`), so moving through the steps needs no Streamlit rerun.
"""

from __future__ import annotations

import numpy as np

from explorer.descent import LABELS, OPTIMIZERS, Trajectory
from explorer.figures.maps import MAP_AXIS, map_layers
from explorer.figures.spec import SpecFigure, axis, figure, layout, trace, typed
from explorer.figures.style import PALETTE, axis_style, colour_name, line_width, marker_size, sizes

MAX_FRAMES = 120  # more frames only make the figure heavier; the eye cannot follow 500 steps anyway
PLAY_SECONDS = 8.0  # a whole run plays in about this long
GRID_N = 60  # the invisible click grid is GRID_N × GRID_N points: ≤ ~15 px apart on a laptop
START_COLOUR, MINIMUM_COLOUR = "#000000", "#FFFFFF"
TRAIL, TANGENT, STAR = PALETTE[1], PALETTE[5], PALETTE[2]  # the curve figure's steps, tangent and minima


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


def view_range(domain: tuple[float, float], xs: np.ndarray) -> tuple[float, float]:
    """The drawn x-range: the domain widened to take in every point of the walk (a far start, a runaway
    step), plus a 5% margin, so the walk is never off the chart."""
    lo, hi = domain
    lo2, hi2 = min(lo, float(np.min(xs))), max(hi, float(np.max(xs)))
    pad = 0.05 * (hi2 - lo2)
    return lo2 - pad, hi2 + pad


def curve_caption(minima: tuple) -> str:
    """What the curve figure shows, naming the colours it really uses."""
    stars = {0: "", 1: f", the {colour_name(STAR)} star marks its minimum"}.get(
        len(minima), f", the {colour_name(STAR)} stars mark its minima")
    return (f"Top: the curve{stars}, the steps so far in {colour_name(TRAIL)} and the {colour_name(TANGENT)} tangent "
            "whose slope is the derivative at the current point; bottom: the loss after each step (press ▶ to play "
            "the steps, or drag the step slider).")


def contour_caption(minima: tuple) -> str:
    """What the contour map shows: a start, paths, and the minima only when there are some."""
    towards = {0: "", 1: f" towards the {colour_name(MINIMUM_COLOUR)} star at the minimum"}.get(
        len(minima), f" towards the {colour_name(MINIMUM_COLOUR)} stars at the minima")
    return (f"Each coloured path is one optimizer racing from the {colour_name(START_COLOUR)} ✕{towards}, with a "
            "dot where it is at step k; the landscape is darker where it is higher (press ▶ to race them, or drag or "
            "click the map to start elsewhere).")


def tangent(x: float, y: float, slope: float, half_width: float, half_height: float):
    """End points of a tangent segment of fixed on-screen size centred on (x, y)."""
    dx = half_width if abs(slope) * half_width <= half_height else half_height / abs(slope)
    return [x - dx, x + dx], [y - slope * dx, y + slope * dx]


CURVE_ROWS = ([0.398, 1.0], [0.0, 0.258])  # y-domains of make_subplots(rows=2, row_heights=[0.7, 0.3], vertical_spacing=0.14)


def curve_figure(xs: np.ndarray, ys: np.ndarray, traj: Trajectory, current: int, classroom: bool,
                 minima: tuple = ()) -> SpecFigure:
    """The curve with the path and the tangent at each step (slope printed), the loss per step below; animated."""
    lw, ms, s = line_width(classroom), marker_size(classroom), sizes(classroom)
    px, py, g = traj.points[:, 0], traj.losses, traj.grads[:, 0]  # (K+1,) each
    steps = frame_steps(traj.steps_run, current)
    finite = ys[np.isfinite(ys)]
    y_lo, y_hi = min(finite.min(), py.min()), max(finite.max(), py.max())
    y_top = y_hi + 0.22 * (y_hi - y_lo or 1.0)  # headroom for the slope readout
    half_w, half_h = 0.2 * (xs[-1] - xs[0]), 0.3 * (y_hi - y_lo or 1.0)
    readout_x = [xs[0] + 0.02 * (xs[-1] - xs[0])]
    framed = np.array(steps)

    def moving(k: int) -> list[dict]:
        """The trail, tangent, point, slope readout and loss marker at step k: what each frame replaces."""
        tx, ty = tangent(px[k], py[k], g[k], half_w, half_h)
        so_far = np.append(framed[framed < k], k)  # every step when all are framed, else the framed ones
        return [
            trace("scatter", x=typed(px[so_far]), y=typed(py[so_far])),
            trace("scatter", x=tx, y=ty),
            trace("scatter", x=[px[k]], y=[py[k]]),
            trace("scatter", x=readout_x, y=[y_top], text=[f"step {k}:  x = {px[k]:.3g},  slope f′(x) = {g[k]:.3g}"]),
            trace("scatter", x=[k], y=[py[k]]),
        ]

    trail, touch, point, readout, marker = moving(current)
    top, bottom = ("x", "y"), ("x2", "y2")
    data = [trace("scatter", top, x=typed(xs), y=typed(ys), mode="lines", name="f(x)", showlegend=False,
                  line=dict(color=PALETTE[0], width=lw))]
    if minima:
        data.append(trace("scatter", top, x=[m[0] for m in minima], y=[np.interp(m[0], xs, ys) for m in minima],
                          mode="markers", name="minimum",
                          marker=dict(symbol="star", size=ms * 1.8, color=STAR, line=dict(color="black", width=1))))
    data += [
        {**trail, "xaxis": "x", "yaxis": "y", "mode": "lines+markers", "name": "steps so far",
         "marker": dict(size=ms * 0.8, color=TRAIL), "line": dict(color=TRAIL, width=lw * 0.6)},
        {**touch, "xaxis": "x", "yaxis": "y", "mode": "lines", "name": "tangent (slope)",
         "line": dict(color=TANGENT, width=lw * 1.4)},
        {**point, "xaxis": "x", "yaxis": "y", "mode": "markers", "name": "current x", "showlegend": False,
         "marker": dict(size=ms * 2, color=TANGENT, line=dict(color="black", width=1.5))},
        {**readout, "xaxis": "x", "yaxis": "y", "mode": "text", "showlegend": False, "textposition": "bottom right",
         "hoverinfo": "skip", "textfont": dict(size=s["font"], color=TANGENT)},
        trace("scatter", bottom, x=typed(np.arange(len(py))), y=typed(py), mode="lines", name="loss", showlegend=False,
              line=dict(color=TRAIL, width=lw)),
        {**marker, "xaxis": "x2", "yaxis": "y2", "mode": "markers", "showlegend": False,
         "marker": dict(size=ms * 1.6, color=TANGENT)},
    ]
    n = len(data)
    moving_ids = [n - 6, n - 5, n - 4, n - 3, n - 1]
    frames = [{"data": moving(k), "name": str(k), "traces": moving_ids} for k in steps]
    return figure(data, layout(
        classroom, 700 if classroom else 600, legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"),
        margin=dict(t=50 if classroom else 40, b=bottom_margin(classroom)), hovermode="closest",
        **player(steps, current, classroom),
        xaxis=axis(classroom, "x", anchor="y", domain=[0.0, 1.0], range=[xs[0], xs[-1]]),
        yaxis=axis(classroom, "f(x)", anchor="x", domain=CURVE_ROWS[0], range=[y_lo - 0.08 * (y_hi - y_lo), y_top]),
        xaxis2=axis(classroom, "step k", anchor="y2", domain=[0.0, 1.0], range=[-0.5, max(len(py) - 0.5, 1)]),
        yaxis2=axis(classroom, anchor="x2", domain=CURVE_ROWS[1], **loss_axis(py)),
    ), frames)


def loss_axis(losses: np.ndarray) -> dict:
    """Log-y when the losses are positive and span more than two decades (else the tail looks flat)."""
    lo, hi = float(np.min(losses)), float(np.max(losses))
    if lo > 0 and hi / lo > 100:
        every = max(1, int(np.ceil(np.log10(hi / lo) / 4)))  # at most ~5 labels, whole decades apart
        return dict(title="loss (log scale)", type="log", dtick=every)
    return dict(title="loss")


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


def contour_layers(xs, ys, zs, classroom: bool) -> tuple[dict, dict]:
    """The landscape's contour picture and colour bar (:func:`map_layers`): they do not change with the racers."""
    return map_layers(xs, ys, zs, "f(x, y)", classroom)


def contour_figure(xs, ys, zs, runs: dict[str, Trajectory], start, classroom: bool,
                   minima: tuple = (), layers: tuple[dict, dict] | None = None) -> SpecFigure:
    """Contour map, one path per optimizer, start and minima, racing heads, and an invisible click grid.

    ``layers``: :func:`contour_layers` of the same landscape, made once by the caller; made here when None.
    """
    lw, ms = line_width(classroom), marker_size(classroom)
    gx, gy = np.meshgrid(np.linspace(xs[0], xs[-1], GRID_N), np.linspace(ys[0], ys[-1], GRID_N))
    image, bar = layers or contour_layers(xs, ys, zs, classroom)
    # invisible but clickable: opacity 0 with hoverinfo "none" ("skip" would also swallow the click)
    data = [trace("scattergl", x=typed(gx.ravel()), y=typed(gy.ravel()), mode="markers", name="click grid",
                  showlegend=False, marker=dict(size=ms * 2, opacity=0), hoverinfo="none"), bar]
    for name, t in runs.items():  # hoverinfo "skip": clicks on a path fall through to the grid
        data.append(trace("scatter", x=typed(t.points[:, 0]), y=typed(t.points[:, 1]), mode="lines+markers",
                          name=LABELS[name], line=dict(color=colour(name), width=lw), marker=dict(size=ms * 0.6),
                          hoverinfo="skip"))
    if minima:
        data.append(trace("scatter", x=[m[0] for m in minima], y=[m[1] for m in minima], mode="markers",
                          name="minimum", hoverinfo="skip", showlegend=False,
                          marker=dict(symbol="star", size=ms * 2, color=MINIMUM_COLOUR, line=dict(color="black", width=1.5))))
    if runs:  # where each racer finished: a race's result is visible before ▶ is pressed
        data.append(trace("scatter", x=[t.points[-1, 0] for t in runs.values()], y=[t.points[-1, 1] for t in runs.values()],
                          mode="markers", name="finish", hoverinfo="skip", showlegend=False,
                          marker=dict(symbol="diamond", size=ms * 1.5, color=[colour(n) for n in runs],
                                      line=dict(color="white", width=1.5))))
    steps = frame_steps(max((t.steps_run for t in runs.values()), default=0))
    data.append(_heads(runs, 0, ms))
    frames = [{"data": [_heads(runs, k, ms)], "name": str(k), "traces": [len(data) - 1]} for k in steps]
    data.append(trace("scatter", x=[start[0]], y=[start[1]], mode="markers", name="start", hoverinfo="skip",
                      showlegend=False, marker=dict(symbol="x", size=ms * 2, color=START_COLOUR,
                                                    line=dict(color="white", width=1))))
    return figure(data, layout(
        classroom, 640 if classroom else 560, legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"),
        margin=dict(t=50, b=bottom_margin(classroom)), hovermode="closest", clickmode="event+select",
        images=[image], **player(steps, 0, classroom),
        xaxis=axis(classroom, "x", **MAP_AXIS, range=[xs[0], xs[-1]]),
        yaxis=axis(classroom, "y", **MAP_AXIS, range=[ys[0], ys[-1]]),
    ), frames)


def _heads(runs: dict[str, Trajectory], k: int, ms: float) -> dict:
    """Each optimizer's position at step k (runs that stopped early stay where they stopped)."""
    names = list(runs)
    at = [runs[n].points[min(k, runs[n].steps_run)] for n in names]
    return trace("scatter", x=[p[0] for p in at], y=[p[1] for p in at], mode="markers", name="position at step",
                 showlegend=False, hoverinfo="skip",
                 marker=dict(size=ms * 2, color=[colour(n) for n in names], line=dict(color="white", width=2)))


def surface_figure(xs, ys, zs, runs: dict[str, Trajectory], classroom: bool) -> SpecFigure:
    """The 3-D landscape with each optimizer's path lying on it."""
    shade, logged = heights(zs)
    data = [trace("surface", x=typed(xs), y=typed(ys), z=typed(shade), colorscale="Viridis", opacity=0.9,
                  showscale=False, contours=dict(z=dict(show=True, usecolormap=True, project=dict(z=True))))]
    for name, t in runs.items():
        px, py = t.points[:, 0], t.points[:, 1]
        lifted = lift(t.losses, zs, logged) + 0.01 * (np.nanmax(shade) - np.nanmin(shade))  # sit just above the skin
        off_map = (px < xs[0]) | (px > xs[-1]) | (py < ys[0]) | (py > ys[-1])
        lifted = np.where(off_map, np.nan, lifted)  # a runaway path leaves the picture instead of stretching it
        data.append(trace("scatter3d", x=typed(px), y=typed(py), z=typed(lifted), mode="lines+markers",
                          name=LABELS[name], line=dict(color=colour(name), width=line_width(classroom) * 2),
                          marker=dict(size=marker_size(classroom) * 0.4, color=colour(name))))
    tick = dict(size=sizes(classroom)["tick"])
    return figure(data, layout(
        classroom, 600 if classroom else 520, legend=dict(orientation="h", y=1.0, x=0),
        scene=dict(xaxis=dict(title=dict(text="x"), tickfont=tick, range=[xs[0], xs[-1]]),
                   yaxis=dict(title=dict(text="y"), tickfont=tick, range=[ys[0], ys[-1]]),
                   zaxis=dict(title=dict(text="log(1+f−min)" if logged else "f"), tickfont=tick),
                   aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6), camera=dict(eye=dict(x=1.3, y=-1.4, z=0.9))),
        xaxis=axis_style(classroom), yaxis=axis_style(classroom),
    ))


def loss_figure(runs: dict[str, Trajectory], classroom: bool) -> SpecFigure:
    """Loss per step, one line per optimizer."""
    data = [trace("scatter", x=typed(np.arange(len(t.losses))), y=typed(t.losses), mode="lines", name=LABELS[name],
                  line=dict(color=colour(name), width=line_width(classroom))) for name, t in runs.items()]
    losses = np.concatenate([t.losses for t in runs.values()]) if runs else np.ones(1)
    return figure(data, layout(
        classroom, 420 if classroom else 340, legend=dict(orientation="h", y=1.02, x=0, yanchor="bottom"),
        xaxis=axis(classroom, "step k"), yaxis=axis(classroom, **loss_axis(losses)),
    ))
