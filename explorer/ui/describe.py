"""Text for every chart: an accessible name and a one-sentence description, shown as an "In words" line.

``describe(key, name, text)`` goes right after ``st.plotly_chart(..., key=key)``. It shows ``text``
under the chart for a teacher to read out, and (Plotly's SVG says nothing to a screen reader) gives
the chart's container role="img" (role="figure" when it holds a toolbar's buttons), ``name`` as its
aria-label and the line as its description. The
names are set in the browser by a tiny Components v2 module that re-applies them after reruns.
"""

from __future__ import annotations

import html
import re
from importlib import resources

import streamlit as st

from explorer.ui.theme import caption_html

_LABELLER = st.components.v2.component(
    "explorer.figure_name", js=resources.files(__package__).joinpath("describe.js").read_text(encoding="utf-8"))


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element with this key (its frontend's own rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def describe(key: str, name: str | None, text: str, note: str = "") -> None:
    """Name the chart drawn with ``key`` and show its one-sentence description under it.

    ``name=None`` only shows the line: for a widget whose own canvas and inputs already carry their names
    (role="img" would hide its inputs from a screen reader). ``note``: the figure's caption, sent in the
    same element as the line."""
    line_id = "describe-" + key_class(key).removeprefix("st-key-")
    line = (f'<div class="explorer-describe" id="{line_id}"><b>In words:</b> {html.escape(text)}</div>'
            + (caption_html(note) if note else ""))
    if name is None:  # the line alone: no labeller, so no block to hold the two together
        st.html(line)
        return
    with st.container(gap=None):  # the labeller is 0 px tall: no gap between it and the line
        _LABELLER(data={"target": key_class(key), "name": name, "described_by": line_id}, key=f"{key}._name")
        st.html(line)
