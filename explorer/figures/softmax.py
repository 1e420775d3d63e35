"""The look of the logits -> softmax bars: colours, outlines, sizes, headroom and words, as plain data.

The bars are drawn in the browser by the live softmax widget (explorer/ui/widgets/live_softmax.py and
live_softmax_draw.js), which redraws them while a slider moves; this is what it draws them with.
"""

from __future__ import annotations

from explorer.figures.style import PALETTE, sizes

TRUE_COLOUR = "#D55E00"  # vermillion outline around the true class's bar
EDGE_COLOUR = "#222222"  # a thin dark outline keeps the light colours (yellow, sky blue) visible on white
ZERO_COLOUR = "#888888"  # the zero line of the logits and the gradient
WORDS = {  # the charts' titles and axes; {T} is the temperature, filled in as the slider moves
    "logits": "logits (any numbers)",
    "probs": "softmax(logits / {T}): add up to 1",
    "grad": "the loss's gradient: (softmax − one_hot) / T",
    "grad_axis": "∂ loss / ∂ logit",
    "class": "class",
}
HEADROOM = {"logits": 1.2, "probs": 1.15, "grad": 1.25}  # each axis reaches this far past its tallest bar (or 1)
PROB_TICKS = [0, 0.25, 0.5, 0.75, 1.0]


def bar_look(classroom: bool = False) -> dict:
    """Colours, line widths and type sizes of the softmax bars (bigger in classroom mode), for the widget's data."""
    s = sizes(classroom)
    return {
        "sizes": dict(s), "palette": list(PALETTE), "true_colour": TRUE_COLOUR, "edge_colour": EDGE_COLOUR,
        "zero_colour": ZERO_COLOUR,
        "edge_width": s["line"] * 0.4, "true_width": s["line"] * 1.4,  # a thick outline marks the true class
        "label_size": s["tick"] - (4 if classroom else 1),  # the number beside each bar
        "height": 360 if classroom else 330,  # px per chart row: the bars stay in a projector's first screen
        "bargap": 0.25, "words": dict(WORDS), "headroom": dict(HEADROOM), "prob_ticks": list(PROB_TICKS),
    }
