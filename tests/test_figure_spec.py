"""Plain-dict figures (the tape's graph): typed arrays as plotly writes them, and specs that
plotly itself accepts."""

import numpy as np
import plotly.graph_objects as go
import pytest
from _plotly_utils.utils import to_typed_array_spec

from explorer.expressions import parse
from explorer.figures.spec import typed
from explorer.figures.tape import graph_figure
from explorer.tape import record


@pytest.mark.parametrize("array", [
    np.linspace(-2.0, 3.0, 7),
    np.arange(12.0).reshape(3, 4)[:, 1],  # a strided view
    np.arange(12.0).reshape(3, 4),  # 2-D: carries its shape
    np.arange(5), np.arange(300), np.array([-40_000, 5]), np.array([0, 2**40]),  # int64 narrowed, or a list
    np.arange(4, dtype=np.int32), np.arange(4, dtype=np.uint64), np.array([1.0, np.nan, np.inf]),
    np.zeros(0),
])
def test_typed_writes_what_plotly_writes(array):
    expected = to_typed_array_spec(array)
    got = typed(array)
    if isinstance(expected, np.ndarray):  # plotly leaves it an array; JSON makes it a list
        expected = expected.tolist()
    assert got == expected


def tape_figures(classroom: bool) -> list:
    """The tape graph at every step of a formula with a reused x and a fixed number (softmax's bars are the
    live widget's SVG)."""
    tape = record(parse("(x*y + sin(x))^2 + 2*pi"), x=2.0, y=3.0)
    return [graph_figure(tape, k, classroom) for k in range(len(tape.steps) + 1)]


@pytest.mark.parametrize("classroom", [False, True])
def test_every_spec_passes_plotly_validation(classroom):
    for fig in tape_figures(classroom):
        spec = fig.to_dict()
        checked = go.Figure(spec)  # raises on any unknown property or invalid value
        assert len(checked.data) == len(spec["data"])
        assert len(checked.frames) == len(spec.get("frames", []))
        assert len(checked.layout.annotations) == len(spec["layout"].get("annotations", []))


def test_a_written_figure_carries_the_json_plotly_writes_for_it():
    import plotly.io as pio

    from explorer.figures.spec import WrittenFigure

    spec = tape_figures(False)[-1].to_dict()
    kept = WrittenFigure(spec)
    assert kept.to_dict() == spec and kept.to_dict().json == pio.to_json(spec, validate=False)
