"""Figures for the tensors-and-kernels page: a digit's numbers, kernels, feature maps, a layer's maps, softmax.

Plain specs (:mod:`explorer.figures.spec`). Zero is white on every figure of the page: a digit's
ink is dark on white, and weights and feature maps use one diverging scale, red below zero and blue
above, so a kernel's sign reads the same everywhere. Grids of small pictures are laid out by
:func:`small_multiples`, one square cell per picture.
"""

from __future__ import annotations

import math

import numpy as np

from explorer.figures.spec import SpecFigure, axis, figure, layout, trace, typed
from explorer.figures.style import PALETTE, sizes

INK = [[0.0, "#FFFFFF"], [1.0, "#000000"]]  # pixel value 0 white, 1 black
DIVERGING = [[0.0, "#B2182B"], [0.25, "#EF8A62"], [0.5, "#FFFFFF"], [0.75, "#67A9CF"], [1.0, "#2166AC"]]
ACTIVATION = [[0.0, "#FFFFFF"], [0.5, "#6BAED6"], [1.0, "#08306B"]]  # after ReLU: 0 white, strong dark blue
PICK = PALETTE[1]  # orange: the picked element, kernel, window
STATIC = {"displayModeBar": False}  # the config every figure here is shown with


def _rows(values) -> np.ndarray:
    """float32 (H, W) for a heatmap; rows run top-down on the reversed y-axes used here."""
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32))


def _pixel_axes(n: str, domain_x, domain_y, anchor_x: str, anchor_y: str) -> dict:
    """Hidden x and y axes of one picture cell: square pixels, row 0 on top."""
    return {f"xaxis{n}": {"domain": domain_x, "anchor": anchor_y, "visible": False, "constrain": "domain"},
            f"yaxis{n}": {"domain": domain_y, "anchor": anchor_x, "visible": False, "autorange": "reversed",
                          "scaleanchor": anchor_x, "constrain": "domain"}}


def small_multiples(n: int, cols: int, row_px: int, title_px: int, gap: float = 0.02) -> tuple[dict, list, int]:
    """Axes for ``n`` pictures in rows of ``cols``, each row ``row_px`` tall under a ``title_px`` strip for its titles.

    Returns (layout axes, [(xref, yref)] per picture, the plot area's height in px).
    """
    rows = math.ceil(n / cols)
    plot = rows * row_px + (rows - 1) * title_px
    w, h, vgap = (1 - gap * (cols - 1)) / cols, row_px / plot, title_px / plot
    axes, refs = {}, []
    for k in range(n):
        r, c = divmod(k, cols)
        i = "" if k == 0 else str(k + 1)
        x0, y1 = c * (w + gap), 1 - r * (h + vgap)
        axes.update(_pixel_axes(i, [x0, x0 + w], [max(y1 - h, 0.0), y1], f"x{i}", f"y{i}"))
        refs.append((f"x{i}", f"y{i}"))
    return axes, refs, plot


def _label(ref: tuple[str, str], text: str, size: int, bold: bool = False) -> dict:
    """A title just above one picture cell (follows the cell when its domain shrinks to keep pixels square)."""
    return {"text": f"<b>{text}</b>" if bold else text, "xref": f"{ref[0]} domain", "yref": f"{ref[1]} domain",
            "x": 0.5, "y": 1.0, "yanchor": "bottom", "xanchor": "center", "showarrow": False, "font": {"size": size}}


def _outline(ref: tuple[str, str], width: float, colour: str = PICK) -> dict:
    """A thick frame around one picture cell."""
    return {"type": "rect", "xref": f"{ref[0]} domain", "yref": f"{ref[1]} domain", "x0": -0.03, "x1": 1.03,
            "y0": -0.03, "y1": 1.03, "line": {"color": colour, "width": width}}


def _box(r0: float, c0: float, r1: float, c1: float, ref: tuple[str, str], width: float, colour: str = PICK) -> dict:
    """A frame around pixels r0..r1, c0..c1 (inclusive) of a picture on axes ``ref``."""
    return {"type": "rect", "xref": ref[0], "yref": ref[1], "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5,
            "y1": r1 + 0.5, "line": {"color": colour, "width": width}}


def _colourbar(classroom: bool, lo: float, hi: float, title: str, mark_zero: bool = True) -> dict:
    s = sizes(classroom)
    ticks = [lo, 0.0, hi] if mark_zero else [lo, hi]
    text = [f"{lo:.2f}", "0", f"+{hi:.2f}"] if mark_zero else [f"{lo:.2f}", f"{hi:.2f}"]
    return {"title": {"text": title, "side": "right", "font": {"size": s["tick"]}}, "tickvals": ticks,
            "ticktext": text, "tickfont": {"size": s["tick"]}, "thickness": 22 if classroom else 14, "len": 0.9}


def _titled(classroom: bool, height: int, title: str, **props) -> dict:
    """A one-picture layout with a centred title (the shared style would overwrite a ``title`` passed to layout)."""
    font = sizes(classroom)["font"]
    spec = layout(classroom, height, margin={"t": font * 2 + 8}, **props)
    spec["title"] = {"text": title, "x": 0.5, "xanchor": "center", "y": 0.98, "yanchor": "top", "font": {"size": font}}
    return spec


def symmetric(values) -> float:
    """The half-range of a diverging scale centred on 0: the largest magnitude (1 for an all-zero array)."""
    m = float(np.max(np.abs(np.asarray(values)))) if np.size(values) else 0.0
    return m if m > 0 else 1.0


def digit_and_crop(image, row: int, col: int, name: str, classroom: bool, half: int = 3) -> SpecFigure:
    """Left: the 28×28 digit with the picked pixel framed; right: the (2·half+1)² pixels around it, numbers written in."""
    img = _rows(image)
    s = sizes(classroom)
    r0, c0 = min(max(row - half, 0), 28 - 2 * half - 1), min(max(col - half, 0), 28 - 2 * half - 1)
    crop = img[r0:r0 + 2 * half + 1, c0:c0 + 2 * half + 1]
    axes = {**_pixel_axes("", [0.0, 0.44], [0.0, 1.0], "x", "y"), **_pixel_axes("2", [0.52, 1.0], [0.0, 1.0], "x2", "y2")}
    axes["xaxis2"].update(visible=True, side="top", tickvals=list(range(2 * half + 1)), showgrid=False, zeroline=False,
                          ticktext=[str(c0 + k) for k in range(2 * half + 1)], tickfont={"size": s["tick"]})
    axes["yaxis2"].update(visible=True, tickvals=list(range(2 * half + 1)), showgrid=False, zeroline=False,
                          ticktext=[str(r0 + k) for k in range(2 * half + 1)], tickfont={"size": s["tick"]})
    hover = f"{name}[%{{y}}, %{{x}}] = %{{z:.4f}}<extra></extra>"
    data = [trace("heatmap", ("x", "y"), z=typed(img), colorscale=INK, zmin=0, zmax=1, showscale=False,
                  hovertemplate=hover),
            trace("heatmap", ("x2", "y2"), z=typed(crop), colorscale=INK, zmin=0, zmax=1, showscale=False,
                  texttemplate="%{z:.2f}", textfont={"size": s["tick"] - (2 if classroom else 3)},
                  hovertemplate=f"{name}[{r0}+%{{y}}, {c0}+%{{x}}] = %{{z:.4f}}<extra></extra>", xgap=1, ygap=1)]
    w = s["line"]
    shapes = [_box(r0, c0, r0 + 2 * half, c0 + 2 * half, ("x", "y"), w / 2, PALETTE[4]),
              _box(row, col, row, col, ("x", "y"), w), _box(row - r0, col - c0, row - r0, col - c0, ("x2", "y2"), w)]
    return figure(data, layout(classroom, 430 if classroom else 290, margin={"t": 36 if classroom else 30},
                               shapes=shapes, **axes))


def row_bars(values, col: int, name: str, classroom: bool) -> SpecFigure:
    """A 1-D tensor: its 28 numbers as bars over their index, the picked one in orange with its value."""
    v = [float(t) for t in np.asarray(values)]
    s = sizes(classroom)
    colours = [PICK if k == col else PALETTE[0] for k in range(len(v))]
    note = {"x": col, "y": v[col], "text": f"{name}[{col}] = {v[col]:.2f}", "showarrow": True, "arrowhead": 2,
            "ax": 0, "ay": -s["font"] * 1.8, "font": {"size": s["tick"]}, "bgcolor": "rgba(255,255,255,0.85)"}
    return figure([trace("bar", x=list(range(len(v))), y=v, marker={"color": colours},
                         hovertemplate=f"{name}[%{{x}}] = %{{y:.4f}}<extra></extra>")],
                  layout(classroom, 240 if classroom else 200, showlegend=False, bargap=0.15, annotations=[note],
                         xaxis=axis(classroom, "index", dtick=3, range=[-0.6, len(v) - 0.4]),
                         yaxis=axis(classroom, None, range=[0, 1.35])))


def batch_pictures(batch, n: int, classroom: bool) -> SpecFigure:
    """A 3-D tensor (N, 28, 28): N digits side by side, titled by their first index; digit ``n`` framed."""
    b = np.asarray(batch, dtype=np.float32)
    s = sizes(classroom)
    axes, refs, plot = small_multiples(len(b), len(b), 150 if classroom else 120, 0, gap=0.04)
    data = [trace("heatmap", ref, z=typed(_rows(b[k])), colorscale=INK, zmin=0, zmax=1, showscale=False,
                  hovertemplate=f"batch[{k}, %{{y}}, %{{x}}] = %{{z:.4f}}<extra></extra>") for k, ref in enumerate(refs)]
    notes = [_label(ref, f"x[{k}]", s["tick"], bold=k == n) for k, ref in enumerate(refs)]
    return figure(data, layout(classroom, plot + s["tick"] + 24, margin={"t": s["tick"] + 14},
                               annotations=notes, shapes=[_outline(refs[n], s["line"])], **axes))


def kernel_grid(weights, picked: int | None, classroom: bool, cols: int = 8, numbers: bool = True) -> SpecFigure:
    """The (C, 3, 3) kernels as small pictures, one diverging scale with 0 white; one framed.

    ``numbers`` writes each weight in its cell (too small to read from the back of a room: classroom
    mode shows the picked kernel's numbers big instead; hovering still gives every number).
    """
    w = np.asarray(weights, dtype=np.float32)
    s = sizes(classroom)
    m = symmetric(w)
    title = s["tick"] + 10
    axes, refs, plot = small_multiples(len(w), cols, 110 if classroom else 95, title, gap=0.025)
    text = {"texttemplate": "%{z:.2f}", "textfont": {"size": s["tick"] - 4}} if numbers else {}
    data = [trace("heatmap", ref, z=typed(_rows(w[k])), colorscale=DIVERGING, zmin=-m, zmax=m, xgap=1, ygap=1,
                  showscale=k == 0, **text,
                  hovertemplate=f"kernel {k}: w[%{{y}}, %{{x}}] = %{{z:.3f}}<extra></extra>",
                  **({"colorbar": _colourbar(classroom, -m, m, "weight")} if k == 0 else {}))
            for k, ref in enumerate(refs)]
    notes = [_label(ref, str(k), s["tick"], bold=k == picked) for k, ref in enumerate(refs)]
    shapes = [_outline(refs[picked], s["line"])] if picked is not None else []
    return figure(data, layout(classroom, plot + title + 10, margin={"t": title},
                               annotations=notes, shapes=shapes, **axes))


def kernel_numbers(kernel, title: str, classroom: bool, scale: float | None = None) -> SpecFigure:
    """One 3×3 kernel, big, each weight written in its cell (the diverging scale, ±``scale``)."""
    k = _rows(np.asarray(kernel).reshape(3, 3))
    s = sizes(classroom)
    m = scale or symmetric(k)
    axes = _pixel_axes("", [0.0, 1.0], [0.0, 1.0], "x", "y")
    data = [trace("heatmap", ("x", "y"), z=typed(k), colorscale=DIVERGING, zmin=-m, zmax=m, showscale=False, xgap=2,
                  ygap=2, texttemplate="%{z:.2f}", textfont={"size": s["font"]},
                  hovertemplate="w[%{y}, %{x}] = %{z:.4f}<extra></extra>")]
    return figure(data, _titled(classroom, 270 if classroom else 250, title, **axes))


def feature_map(values, title: str, classroom: bool, height: int | None = None) -> SpecFigure:
    """A (28, 28) feature map on the diverging scale (0 white), with a colour bar marking 0."""
    v = _rows(values)
    m = symmetric(v)
    axes = _pixel_axes("", [0.0, 1.0], [0.0, 1.0], "x", "y")
    data = [trace("heatmap", ("x", "y"), z=typed(v), colorscale=DIVERGING, zmin=-m, zmax=m,
                  colorbar=_colourbar(classroom, -m, m, "output"), hovertemplate="out[%{y}, %{x}] = %{z:.3f}<extra></extra>")]
    return figure(data, _titled(classroom, height or (270 if classroom else 250), title, **axes))


def digit_picture(image, title: str, classroom: bool, height: int | None = None) -> SpecFigure:
    """A (28, 28) digit, ink dark on white, with a title."""
    axes = _pixel_axes("", [0.0, 1.0], [0.0, 1.0], "x", "y")
    data = [trace("heatmap", ("x", "y"), z=typed(_rows(image)), colorscale=INK, zmin=0, zmax=1, showscale=False,
                  hovertemplate="x[%{y}, %{x}] = %{z:.3f}<extra></extra>")]
    return figure(data, _titled(classroom, height or (270 if classroom else 250), title, **axes))


def layer_maps(maps, classroom: bool, cols: int, picked: int | None = None, row_px: int = 95) -> SpecFigure:
    """(C, H, W) feature maps after a ReLU as small pictures numbered 0…C−1, on one shared scale (0 white)."""
    a = np.asarray(maps, dtype=np.float32)
    s = sizes(classroom)
    top = float(a.max()) or 1.0
    title = s["tick"] + 2
    axes, refs, plot = small_multiples(len(a), cols, row_px, title, gap=0.015)
    data = [trace("heatmap", ref, z=typed(_rows(a[k])), colorscale=ACTIVATION, zmin=0, zmax=top, showscale=False,
                  hovertemplate=f"map {k}: [%{{y}}, %{{x}}] = %{{z:.3f}}<extra></extra>") for k, ref in enumerate(refs)]
    notes = [_label(ref, str(k), s["tick"] - 2, bold=k == picked) for k, ref in enumerate(refs)]
    shapes = [_outline(refs[picked], s["line"] * 0.8)] if picked is not None else []
    return figure(data, layout(classroom, plot + title + 10, margin={"t": title}, annotations=notes, shapes=shapes,
                               **axes))


def probability_bars(probs, label: int, classroom: bool) -> SpecFigure:
    """The softmax output: ten probabilities, the biggest in orange, the true class's tick in bold."""
    p = [float(v) for v in np.asarray(probs)]
    s = sizes(classroom)
    guess = int(np.argmax(p))
    colours = [PICK if k == guess else PALETTE[0] for k in range(10)]
    ticks = [f"<b>✔{k}</b>" if k == label else str(k) for k in range(10)]
    return figure([trace("bar", x=[str(k) for k in range(10)], y=p, marker={"color": colours},
                         text=[f"{v:.2f}" if v >= 0.005 else "" for v in p], textposition="outside", cliponaxis=False,
                         textfont={"size": s["tick"]}, hovertemplate="class %{x}: %{y:.4f}<extra></extra>")],
                  layout(classroom, 300 if classroom else 250, showlegend=False, bargap=0.25,
                         xaxis=axis(classroom, "class (✔ = true label)", type="category", tickmode="array",
                                    tickvals=[str(k) for k in range(10)], ticktext=ticks),
                         yaxis=axis(classroom, "probability", range=[0, 1.18])))
