"""The Denoise tab: noise controls, the four big pictures, PSNR numbers and the PSNR-vs-noise curve."""

from __future__ import annotations

import streamlit as st
from torch import Tensor

from explorer.figures import words
from explorer.figures.restore import LEVEL_NAMES, error_map
from explorer.figures.restore import psnr_curve as psnr_curve_figure
from explorer.restoration import (
    NOISES,
    Curve,
    choose_filter,
    curve_digits,
    psnr_curve,
    tuning_digits,
)
from explorer.ui import model_card, url_state
from explorer.ui.describe import describe
from explorer.ui.models import load_model
from explorer.ui.restore import kept
from explorer.ui.restore.view import image_row, psnr_number, scores, side_by_side
from explorer.ui.state_tables import TABLES

KIND_LABELS = {"gaussian": "Gaussian", "salt-and-pepper": "salt and pepper"}


STOPS = tuple(round(0.05 * k, 2) for k in range(21))  # the noise slider's positions


@st.cache_data(show_spinner=False)
def filter_table(kind: str) -> dict[float, str]:
    """The best classical filter at every slider stop, chosen once per noise kind on training digits."""
    tuning = tuning_digits()
    return {level: choose_filter(kind, level, tuning) for level in STOPS}


def best_filter_for(kind: str, level: float) -> str:
    """The filter a careful person would pick for this noise (a level off the stops came from a link)."""
    return filter_table(kind).get(round(level, 2)) or choose_filter(kind, level, tuning_digits())


@st.cache_data(show_spinner="Scoring the network and the filters on 200 test digits at 10 noise levels…")
def test_split_curve(kind: str, model_id: int, _denoiser) -> Curve:
    """PSNR vs noise level over test digits; ``model_id`` stands in for the unhashable model."""
    return psnr_curve(_denoiser, curve_digits(), kind, tuning_digits())


def new_noise() -> None:
    """Button callback: the next seed, so the same picture gets a fresh draw of noise."""
    st.session_state["restore.seed"] = (st.session_state["restore.seed"] + 1) % 1_000_000


def show_denoise(clean: Tensor, name: str, classroom: bool) -> None:
    """Noise the digit, clean it with the network and the best filter, and compare them."""
    pictures = st.container()  # the digits above their controls: in a projector's first screen
    controls = side_by_side()
    kind = controls.radio("Noise", NOISES, key="restore.kind", format_func=KIND_LABELS.get)
    level = controls.slider(LEVEL_NAMES[kind], 0.0, 1.0, step=0.05, key="restore.noise")
    seed = url_state.number_box(url_state.find(TABLES["restore"], "restore.seed"), "Noise seed", controls,
                                help="The same seed always gives the same noise.", width=170)
    controls.button("New noise", on_click=new_noise, icon=":material/refresh:", key="restore.new_noise")

    denoiser = load_model("denoiser")
    if denoiser is None:  # load_model has said why; the card says which model it waits for
        model_card.show("denoiser")
        return
    r = kept.denoised(denoiser, clean, kind, level, best_filter_for(kind, level), seed)
    alts = words.denoise_images(r, name, f"{KIND_LABELS[kind]} noise at {level:.2f}")
    with pictures:
        image_row(list(zip((f"clean: {name}", "noisy", "network's output", "error map"),
                           (r.clean[0, 0], r.noisy[0, 0], r.denoised[0, 0], error_map(r.error.numpy())), alts)),
                  classroom)
    scores([psnr_number("PSNR of the noisy input", r.psnr_noisy),
            psnr_number("PSNR of the network", r.psnr_denoised, r.psnr_noisy),
            psnr_number("PSNR of the best filter", r.psnr_baseline, r.psnr_noisy)],
           "The network was trained to turn noisy digits back into clean ones; the error map shows "
           "|output − clean| per pixel: black is exact, yellow a full step (0 ↔ 1) off.",
           f"PSNR = 10·log₁₀(1 / mean squared error) against the clean digit: higher is closer, +3 dB halves "
           f"the error. The filter is {r.filter_name}, the best Gaussian blur or median filter for this "
           "noise on training digits.")
    model_card.show("denoiser")

    curve = test_split_curve(kind, id(denoiser), denoiser)
    st.plotly_chart(psnr_curve_figure(curve, level, classroom), key="restore.curve")
    describe("restore.curve", *words.psnr_curve(curve, level, LEVEL_NAMES[kind]),
             note=f"The same comparison over 200 test digits (20 per class) with {KIND_LABELS[kind]} noise: "
                  "the network (solid) against the best classical filter (dashed) and doing nothing (dotted); "
                  "the dashed grey line is the slider.")
