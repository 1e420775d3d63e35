"""The live map's Python side under AppTest: what each run sends, classroom sizes, graceful refusal.

The browser side (hover, decode, click) is tested in tests/e2e/test_live_map_e2e.py.
"""

import json

from streamlit.testing.v1 import AppTest

from explorer.figures.style import CLASSROOM, NORMAL, PALETTE
from explorer.ui.widgets.live_map import map_data

SCRIPT = """
import numpy as np
import streamlit as st
import torch
from torch import nn

from explorer.nets import VAE
from explorer.ui.widgets import live_map

torch.manual_seed(0)
vae = st.cache_resource(lambda: VAE().eval())()
if st.session_state.get("odd"):  # a decoder with a layer the browser decoder lacks
    vae = VAE()
    vae.decoder = nn.Sequential(nn.Linear(2, 784), nn.GELU())
mu = np.array([[0.1, 0.2], [-1.0, 1.5], [2.0, -0.5]])
live_map.show(vae, mu, np.array([3, 1, 4]), (0.5, -0.5), 3.0, st.session_state.get("big", False),
              lambda z1, z2: None, key="t.live")
"""


def payloads(at: AppTest) -> dict:
    """Each component mount's key -> its JSON data."""
    return {e.key: json.loads(e.proto.json) for e in at.get("bidi_component")}


def test_the_weights_travel_on_the_first_run_only():
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    first = payloads(at)
    weights = first["t.live.weights"]
    assert [layer["type"] for layer in weights["layers"]][:2] == ["linear", "relu"]
    at.run()
    again = payloads(at)
    assert again["t.live.weights"] == {"id": weights["id"]}  # the browser keeps the decoder it got
    assert again["t.live"] == first["t.live"]
    assert first["t.live"]["decoder_id"] == weights["id"]


def test_the_map_gets_codes_labels_palette_and_extent():
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    data = payloads(at)["t.live"]
    assert data["points"] == [0.1, 0.2, -1.0, 1.5, 2.0, -0.5]
    assert data["labels"] == [3, 1, 4]
    assert data["extent"] == [-3.0, 3.0, -3.0, 3.0]
    assert data["z"] == [0.5, -0.5]
    assert data["palette"] == list(PALETTE) and data["sizes"] == NORMAL


def test_classroom_mode_sends_classroom_sizes():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["big"] = True
    at.run()
    assert payloads(at)["t.live"]["sizes"] == CLASSROOM


def test_a_decoder_the_browser_cannot_run_leaves_a_message_not_a_traceback():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["odd"] = True
    at.run()
    assert not at.exception
    assert not at.get("bidi_component")
    assert "GELU" in at.info[0].value


def test_extent_may_be_a_rectangle_and_z_may_be_absent():
    data = map_data("x", [[1.23456, 2.0]], [7], None, (-1, 2, -3, 4), False, "k")
    assert data["extent"] == [-1.0, 2.0, -3.0, 4.0]
    assert data["z"] is None and data["points"] == [1.2346, 2.0]
