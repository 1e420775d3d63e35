"""Pick the digit to restore: a test digit by class and index (or at random), a drawing, or an upload."""

from __future__ import annotations

import streamlit as st
import torch
from torch import Tensor

from explorer.ui.canvas import draw_digit, instructions, upload_digit
from explorer.ui.digit_pick import randomise, test_digit
from explorer.ui.restore.choices import SOURCES
from explorer.ui.restore.view import side_by_side

LABELS = {"test set": "a test digit", "draw": "draw one", "upload": "upload one"}


def pick_digit() -> tuple[Tensor, str]:
    """The chosen digit (1, 1, 28, 28) in [0, 1] and a few words naming it."""
    row = side_by_side()
    source = row.radio("Digit", SOURCES, key="restore.source", format_func=LABELS.get)
    digit, index = st.session_state["restore.digit"], st.session_state["restore.index"]
    if source == "test set":
        digit = row.slider("Class", 0, 9, key="restore.digit")
        index = row.slider("Which of its 100 test digits", 0, 99, key="restore.index")
        row.button("Random digit", on_click=randomise, args=("restore.digit", "restore.index"), icon=":material/casino:")
        return test_digit(digit, index)[1], f"test digit {digit} #{index}"
    with row, st.container():  # the instructions above their canvas, beside the choice
        if source == "draw":
            instructions("<b>Draw one digit</b> with the mouse, big and in the middle; the page frames it "
                         "like MNIST (20×20 box, centred by mass). The bin icon clears it.")
            drawn = draw_digit("restore.canvas")
        else:
            drawn = upload_digit("restore.upload")
    if drawn is None:
        st.info(f"Nothing drawn or uploaded yet: showing test digit {digit} #{index} meanwhile.")
        return test_digit(digit, index)[1], f"test digit {digit} #{index}"
    return torch.as_tensor(drawn).reshape(1, 1, 28, 28), "your digit"
