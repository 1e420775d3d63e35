"""Bar charts for the logits -> softmax page: logits and probabilities, and the cross-entropy gradient.

Written as plain specs (:mod:`explorer.figures.spec`): the same JSON that go.Bar and make_subplots
give, without their property checks, which were most of a rerun of the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from explorer.figures.spec import SpecFigure, axis, figure, layout, trace
from explorer.figures.style import PALETTE, sizes

CLASS_NAMES = [str(k) for k in range(10)]
TRUE_COLOUR = "#D55E00"  # vermillion outline around the true class's bar
LEFT, RIGHT = [0.0, 0.45], [0.55, 1.0]  # x-domains of make_subplots(cols=2, horizontal_spacing=0.1)


def _label(v: float, form: str) -> str:
    """A bar's number, left out when it would print as zero (ten "0.00"s only crowd the axis)."""
    return form.format(v) if abs(v) >= 0.005 else ""


def _class_axis(classroom: bool, true_class: int | None, **props) -> dict:
    """The category axis of the ten classes, with a bold check mark under the true class."""
    text = [f"<b>✔{k}</b>" if k == true_class else str(k) for k in range(10)]
    return axis(classroom, "class", **props, type="category", tickmode="array", tickvals=CLASS_NAMES, ticktext=text)


def _bars(values: Sequence[float], classroom: bool, text: list[str], true_class: int | None,
          on: tuple[str, str] | None = None) -> dict:
    s = sizes(classroom)
    # a thin dark outline keeps the light colours (yellow, sky blue) visible; a thick one marks the true class
    widths = [s["line"] * (1.4 if k == true_class else 0.4) for k in range(len(values))]
    edges = [TRUE_COLOUR if k == true_class else "#222" for k in range(len(values))]
    return trace(
        "bar", on, x=CLASS_NAMES, y=list(values), marker={"color": list(PALETTE), "line": {"color": edges, "width": widths}},
        text=text, textposition="outside", cliponaxis=False, textfont={"size": s["tick"] - (4 if classroom else 1)},
        constraintext="none",  # keep the numbers full size even when a bar is thinner than its label
        hovertemplate="class %{x}: %{y:.4f}<extra></extra>",
    )


def _layout(classroom: bool, height: int | None, **props) -> dict:
    return layout(classroom, height, showlegend=False, bargap=0.25, **props)


def logits_and_probabilities(logits: Sequence[float], probs: Sequence[float], temperature: float,
                             classroom: bool = False, true_class: int | None = None,
                             height: int | None = None) -> SpecFigure:
    """Left: the logits softmax takes in; right: the probabilities it puts out (the true class outlined)."""
    logits, probs = [float(z) for z in logits], [float(p) for p in probs]
    top = max(1.0, max(abs(z) for z in logits))
    titles = ("logits (any numbers)", f"softmax(logits / {temperature:g}): add up to 1")
    font = sizes(classroom)["font"]
    return figure([
        _bars(logits, classroom, [f"{z:.1f}" for z in logits], true_class, on=("x", "y")),
        _bars(probs, classroom, [_label(p, "{:.2f}") for p in probs], true_class, on=("x2", "y2")),
    ], _layout(
        classroom, height, margin={"t": font * 2 + 10},
        xaxis=_class_axis(classroom, true_class, anchor="y", domain=LEFT),
        yaxis=axis(classroom, anchor="x", domain=[0.0, 1.0], range=[-1.2 * top, 1.2 * top]),
        xaxis2=_class_axis(classroom, true_class, anchor="y2", domain=RIGHT),
        yaxis2=axis(classroom, anchor="x2", domain=[0.0, 1.0], range=[0, 1.15], tickvals=[0, 0.25, 0.5, 0.75, 1.0]),
        annotations=[{"font": {"size": font}, "showarrow": False, "text": title, "x": (lo + hi) / 2,
                      "xanchor": "center", "xref": "paper", "y": 1.0, "yanchor": "bottom", "yref": "paper"}
                     for title, (lo, hi) in zip(titles, (LEFT, RIGHT))],  # the subplot titles
    ))


def gradient_bars(grad: Sequence[float], classroom: bool = False, true_class: int | None = None,
                  height: int | None = None) -> SpecFigure:
    """d loss / d logit per class: positive bars get pushed down by descent, the true class's bar is negative."""
    grad = [float(g) for g in grad]
    top = max(1.0, max(abs(g) for g in grad))
    zero = {"type": "line", "line": {"color": "#888888", "width": 1}, "x0": 0, "x1": 1, "xref": "x domain",
            "y0": 0, "y1": 0, "yref": "y"}  # what add_hline(y=0) draws
    return figure([_bars(grad, classroom, [_label(g, "{:+.2f}") for g in grad], true_class)], _layout(
        classroom, height, shapes=[zero], xaxis=_class_axis(classroom, true_class),
        yaxis=axis(classroom, "∂ loss / ∂ logit", range=[-1.25 * top, 1.25 * top], zeroline=False),
    ))
