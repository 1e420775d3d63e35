"""Plotly figures written as the plain dicts that st.plotly_chart sends, without building go objects.

Building a figure from ``go.Scatter`` and ``go.Frame`` objects validates every property of every
trace and frame, and ``st.plotly_chart`` then deep-copies it all again with ``to_dict()``: for the
descent figures (120 animation frames of several traces) that was most of a rerun. These helpers
write the same JSON directly — the same typed arrays, default template and shared style — and
hand it over as a :class:`SpecFigure`.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from explorer.figures.style import axis_style, layout_style

SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
               "float32": "f4", "float64": "f8"}  # numpy dtype -> plotly.js typed-array name
INT_TYPES = {"i": (np.int8, np.int16, np.int32), "u": (np.uint8, np.uint16, np.uint32)}


def typed(values) -> dict | list:
    """A numeric array as plotly.js's typed-array spec, as ``Figure.to_dict()`` writes it."""
    v = np.ascontiguousarray(values)
    if v.size == 0:
        return []
    if v.dtype.kind in "iu" and v.dtype.itemsize == 8:  # plotly.js has no 64-bit ints: the smallest that holds them
        lo, hi = int(v.min()), int(v.max())
        fits = [t for t in INT_TYPES[v.dtype.kind] if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max]
        v = v.astype(fits[0]) if fits else v
    if str(v.dtype) not in SHORT_TYPES:  # e.g. a value beyond 32 bits: plotly sends a plain list
        return v.tolist()
    spec = {"dtype": SHORT_TYPES[str(v.dtype)], "bdata": base64.b64encode(v).decode("ascii")}
    if v.ndim > 1:
        spec["shape"] = str(v.shape)[1:-1]
    return spec


class SpecFigure(go.Figure):
    """A figure that already is a complete plain spec (a to_dict() output plus plain traces).

    st.plotly_chart turns a figure into a dict with ``to_dict()``, which deep-copies every trace, and
    validates a dict it is given; this hands over the spec as it is, which is most of what a rerun
    of the latent map costs otherwise.
    """

    def __init__(self, spec: dict):  # no go.Figure.__init__: that would copy and check the spec again
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


class WrittenSpec(dict):
    """A finished spec with its JSON written once (``json``): a figure many runs and sessions send as it is.
    Nothing may change it after it is made (the JSON would no longer say what it holds)."""

    json: str


class WrittenFigure(SpecFigure):
    """A figure kept and sent again unchanged (e.g. a grid of decoded digits made once per process): plotly's JSON
    of it is written here, once, and st.plotly_chart sends that (explorer.ui.rerun_overhead) instead of writing
    the same JSON, a large image included, on every run."""

    def __init__(self, spec: dict):
        written = WrittenSpec(spec)
        written.json = pio.to_json(dict(spec), validate=False)
        super().__init__(written)


@lru_cache(maxsize=4)
def _template(name: str) -> dict:
    return go.Figure().to_dict()["layout"]["template"]


def template() -> dict:
    """The default template as a new go.Figure carries it (Streamlit's own once Streamlit set it); shared, never mutated."""
    return _template(str(pio.templates.default))


def trace(kind: str, on: tuple[str, str] | None = None, **props) -> dict:
    """One trace; ``on=("x2", "y2")`` places it on a subplot's axes, as make_subplots' add_trace does."""
    spec = {**props, "type": kind}
    if on is not None:
        spec["xaxis"], spec["yaxis"] = on
    return spec


def axis(classroom: bool, title: str | None = None, **props) -> dict:
    """A cartesian axis with the shared tick and title fonts."""
    style = axis_style(classroom)
    spec = {**props, "title": {**({"text": title} if title is not None else {}), **style["title"]}}
    spec["tickfont"] = style["tickfont"]
    return spec


def layout(classroom: bool, height: int | None, legend: dict | None = None, margin: dict | None = None,
           **props) -> dict:
    """A figure layout with the shared style (see :func:`~explorer.figures.style.style`) and the default template;
    ``height`` None leaves the height to Streamlit."""
    shared = layout_style(classroom)
    return {"template": template(), **props, **shared, "legend": {**(legend or {}), **shared["legend"]},
            "margin": {**shared["margin"], **(margin or {})}, **({} if height is None else {"height": height})}


def figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> SpecFigure:
    """The finished spec, handed to st.plotly_chart as it is."""
    spec = {"data": data, "layout": layout}
    if frames is not None:
        spec["frames"] = frames
    return SpecFigure(spec)
