"""Figures for gradient descent made in Python: the contour picture the live descent widget draws on, the
optimizers' colours and the captions that name them, and the 3-D view's heights (the browser's reference).

The curve, the racers on the map, the fit, the loss per step and the 3-D view are drawn in the browser by the
live descent widget (explorer/ui/widgets/live_descent.py), which follows a dragged control.
"""

from __future__ import annotations

import numpy as np

from explorer.descent import OPTIMIZERS
from explorer.figures.maps import map_layers
from explorer.figures.style import PALETTE, colour_name

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
    """Values to colour and lift by: log(1 + f − min) when a few walls would flatten the rest (the 3-D view's
    heights, which live_descent_3d.js computes in the browser and is tested against)."""
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
