"""Choosing a held-out test digit by class and example: the state both digit pages keep, and its dice."""

from __future__ import annotations

import numpy as np
import streamlit as st
from torch import Tensor

from explorer.data import class_example, digits


def test_digit(digit: int, example: int, dataset: str = "mnist-5k") -> tuple[int, Tensor]:
    """(test-set index, image (1, 1, 28, 28)) of the ``example``-th test digit of class ``digit``."""
    images, labels = digits(dataset, "test")
    i = class_example(labels.numpy(), digit, example)
    return i, images[i].reshape(1, 1, 28, 28)


def randomise(class_key: str, example_key: str) -> None:
    """A button callback: a random class and example (a fresh pick each press; the URL records it)."""
    rng = np.random.default_rng()
    st.session_state[class_key] = int(rng.integers(10))
    st.session_state[example_key] = int(rng.integers(100))
