"""Bar charts for the logits -> softmax page: logits and probabilities, and the cross-entropy gradient."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.figures.style import PALETTE, sizes, style

CLASS_NAMES = [str(k) for k in range(10)]
TRUE_COLOUR = "#D55E00"  # vermillion outline around the true class's bar


def _label(v: float, form: str) -> str:
    """A bar's number, left out when it would print as zero (ten "0.00"s only crowd the axis)."""
    return form.format(v) if abs(v) >= 0.005 else ""


def _mark_true(fig: go.Figure, true_class: int | None) -> None:
    """Bold tick label with a check mark under the true class."""
    text = [f"<b>✔{k}</b>" if k == true_class else str(k) for k in range(10)]
    fig.update_xaxes(tickmode="array", tickvals=CLASS_NAMES, ticktext=text)


def _bars(values: Sequence[float], classroom: bool, text: list[str], true_class: int | None) -> go.Bar:
    s = sizes(classroom)
    # a thin dark outline keeps the light colours (yellow, sky blue) visible; a thick one marks the true class
    widths = [s["line"] * (1.4 if k == true_class else 0.4) for k in range(len(values))]
    edges = [TRUE_COLOUR if k == true_class else "#222" for k in range(len(values))]
    return go.Bar(
        x=CLASS_NAMES, y=list(values), marker={"color": list(PALETTE), "line": {"color": edges, "width": widths}},
        text=text, textposition="outside", cliponaxis=False, textfont={"size": s["tick"] - (4 if classroom else 1)},
        constraintext="none",  # keep the numbers full size even when a bar is thinner than its label
        hovertemplate="class %{x}: %{y:.4f}<extra></extra>",
    )


def logits_and_probabilities(logits: Sequence[float], probs: Sequence[float], temperature: float,
                             classroom: bool = False, true_class: int | None = None,
                             height: int | None = None) -> go.Figure:
    """Left: the logits softmax takes in; right: the probabilities it puts out (the true class outlined)."""
    logits, probs = [float(z) for z in logits], [float(p) for p in probs]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        "logits (any numbers)", f"softmax(logits / {temperature:g}): add up to 1"))
    fig.add_trace(_bars(logits, classroom, [f"{z:.1f}" for z in logits], true_class), row=1, col=1)
    fig.add_trace(_bars(probs, classroom, [_label(p, "{:.2f}") for p in probs], true_class), row=1, col=2)
    top = max(1.0, max(abs(z) for z in logits))
    fig.update_yaxes(range=[-1.2 * top, 1.2 * top], row=1, col=1)
    fig.update_yaxes(range=[0, 1.15], tickvals=[0, 0.25, 0.5, 0.75, 1.0], row=1, col=2)
    fig.update_xaxes(title_text="class", type="category")
    _mark_true(fig, true_class)
    fig.update_layout(showlegend=False, bargap=0.25)
    fig.update_annotations(font_size=sizes(classroom)["font"])  # the subplot titles
    fig = style(fig, classroom, height=height)
    fig.update_layout(margin={"t": sizes(classroom)["font"] * 2 + 10})
    return fig


def gradient_bars(grad: Sequence[float], classroom: bool = False, true_class: int | None = None,
                  height: int | None = None) -> go.Figure:
    """d loss / d logit per class: positive bars get pushed down by descent, the true class's bar is negative."""
    grad = [float(g) for g in grad]
    fig = go.Figure(_bars(grad, classroom, [_label(g, "{:+.2f}") for g in grad], true_class))
    top = max(1.0, max(abs(g) for g in grad))
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.update_layout(showlegend=False, bargap=0.25)
    fig.update_yaxes(title_text="∂ loss / ∂ logit", range=[-1.25 * top, 1.25 * top], zeroline=False)
    fig.update_xaxes(title_text="class", type="category")
    _mark_true(fig, true_class)
    return style(fig, classroom, height=height)
