"""Your own kernel: a 3×3 grid of typed weights (or a preset) and the feature map it makes of the digit."""

from __future__ import annotations

import streamlit as st
from torch import Tensor

from explorer import kernels as K
from explorer.figures import kernels as figs
from explorer.ui.tensors.choices import CELL_KEYS, OWN
from explorer.ui.theme import caption

PRESET_KEY = "tensors.preset"  # a one-shot choice: applying a preset clears it again
MARKDOWN = set("\\`*_{}[]()<>#+-.!|~$:")  # characters markdown may treat as syntax


def typed() -> tuple[Tensor | None, list[str]]:
    """The kernel in the nine entries, or None and one message per bad entry."""
    try:
        return K.parse_kernel([str(st.session_state.get(key, "")) for key in CELL_KEYS]), []
    except K.KernelError as err:
        return None, err.problems


def _plain(text: str) -> str:
    """Typed text shown inside markdown as it was typed: every punctuation mark escaped."""
    return "".join("\\" + ch if ch in MARKDOWN else ch for ch in text)


def _apply_preset() -> None:
    name = st.session_state.get(PRESET_KEY)
    if name in K.PRESETS:
        for key, text in zip(CELL_KEYS, K.PRESETS[name]):
            st.session_state[key] = text
    st.session_state[PRESET_KEY] = None


def _slide_it() -> None:
    st.session_state["tensors.kernel"] = OWN
    st.session_state["tensors.tab"] = "Sliding window"


def entries() -> None:
    """The 3×3 grid of text entries (each labelled by its row and column)."""
    for r in range(3):
        for c, col in enumerate(st.columns(3, gap="small")):
            k = 3 * r + c
            col.text_input(K.cell_name(k).capitalize(), key=CELL_KEYS[k], label_visibility="collapsed", max_chars=K.MAX_CHARS,
                           help=f"Weight in {K.cell_name(k)}: a number from {-K.LIMIT:g} to {K.LIMIT:g}, e.g. 0.5 or 1/16.")


def section(image: Tensor, index: int, big: bool) -> None:
    """Type a kernel, see its feature map on the digit; bad entries get a message naming their cell."""
    st.pills("Start from a preset", list(K.PRESETS), key=PRESET_KEY, on_change=_apply_preset,
             help="Fills the nine weights; then change any of them.")
    grid, shown = st.columns([1, 2] if not big else [1, 1.6], gap="medium")
    with grid:
        st.markdown(f"**Your 3×3 weights** (each from {-K.LIMIT:g} to {K.LIMIT:g})")
        entries()
    kernel, problems = typed()
    with shown:
        if kernel is None:
            st.error("This kernel cannot be used yet:\n\n" + "\n".join(f"- {_plain(p)}" for p in problems))
            return
        fmap = K.feature_map(image, kernel)
        st.plotly_chart(figs.feature_map(fmap, f"feature map of digit {index}", big), key="tensors.own_map",
                        config=figs.STATIC)
        caption(f"Your kernel slid over digit {index}: blue where the nine-pixel patch matches the weights' "
                f"pattern, red where it is the opposite; values from {float(fmap.min()):.2f} to {float(fmap.max()):.2f}.")
        st.button("Slide it over the digit, step by step", on_click=_slide_it, icon=":material/play_arrow:")
