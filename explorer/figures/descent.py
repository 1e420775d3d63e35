"""Figures for gradient descent made in Python: the contour picture the live descent widget draws on, the
3-D surface, the optimizers' colours and the captions that name them.

The curve, the racers on the map, the fit and the loss per step are drawn in the browser by the live
descent widget (explorer/ui/widgets/live_descent.py), which follows a dragged control.
"""

from __future__ import annotations

import numpy as np

from explorer.descent import LABELS, OPTIMIZERS, Trajectory
from explorer.figures.maps import map_layers
from explorer.figures.spec import SpecFigure, figure, layout, trace, typed
from explorer.figures.style import PALETTE, axis_style, colour_name, line_width, marker_size, sizes

START_COLOUR, MINIMUM_COLOUR = "#000000", "#FFFFFF"
TRAIL, TANGENT, STAR = PALETTE[1], PALETTE[5], PALETTE[2]  # the widget's curve: steps, tangent and minima


def colour(optimizer: str) -> str:
    """One fixed colour per optimizer, the same on every chart."""
    return PALETTE[list(OPTIMIZERS).index(optimizer)]


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


def heights(zs: np.ndarray) -> tuple[np.ndarray, bool]:
    """Values to colour and lift by: log(1 + f − min) when a few walls would flatten the rest."""
    z_min, median, top = np.nanmin(zs), np.nanmedian(zs), np.nanpercentile(zs, 99)
    if top - z_min > 10 * (median - z_min):
        return np.log1p(zs - z_min), True
    return zs, False


def lift(values: np.ndarray, zs: np.ndarray, logged: bool) -> np.ndarray:
    """Path losses on the same height scale as :func:`heights`."""
    return np.log1p(np.maximum(values - np.nanmin(zs), 0.0)) if logged else values


def contour_layers(xs, ys, zs, classroom: bool) -> tuple[dict, dict]:
    """The landscape's contour picture and colour bar (:func:`map_layers`): they do not change with the racers."""
    return map_layers(xs, ys, zs, "f(x, y)", classroom)


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
