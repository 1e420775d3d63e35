"""The live map's Python side under AppTest: what each run sends, a pick, classroom sizes, the fallback.

The browser side (hover, drag, ranges, keys, decode) is tested in tests/e2e/test_live_map_e2e.py.
"""

import base64
import json

import numpy as np
import torch
from streamlit.testing.v1 import AppTest

from explorer.bench.apptest import with_trigger
from explorer.figures.latent import path_overlay, point_overlay
from explorer.figures.style import CLASSROOM, NORMAL, PALETTE
from explorer.latent import decode
from explorer.nets import VAE
from explorer.ui.widgets.live_map import codes_id, map_data

SCRIPT = """
import numpy as np
import streamlit as st
import torch
from torch import nn

from explorer.figures.latent import path_overlay
from explorer.nets import VAE
from explorer.ui.widgets import live_map

torch.manual_seed(0)
vae = st.cache_resource(lambda: VAE().eval())()
if st.session_state.get("odd"):  # a decoder with a layer the browser decoder lacks, same pictures
    torch.manual_seed(0)
    vae = VAE().eval()
    vae.decoder = nn.Sequential(*vae.decoder, nn.Identity())
z = st.session_state.setdefault("z", (0.5, -0.5))
mu = np.array([[0.1, 0.2], [-1.0, 1.5], [2.0, -0.5]])
overlays = [path_overlay(np.array([[0.0, 0.0], [1.0, 1.0]]))] if st.session_state.get("path") else []
got = live_map.show(vae, mu, np.array([3, 1, 4]), z, 3.0, st.session_state.get("big", False),
                    lambda z1, z2: st.session_state.update(z=(z1, z2)), key="t.live", overlays=overlays)
st.write(f"returned {got}")
"""


def payloads(at: AppTest) -> dict:
    """Each component mount's key -> its data: JSON, or JSON sent as bytes (the decoder export)."""
    return {e.key: json.loads(e.proto.bytes if e.proto.WhichOneof("data") == "bytes" else e.proto.json)
            for e in at.get("bidi_component")}


def script(**state) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def test_the_weights_travel_on_the_first_run_only():
    at = script()
    assert not at.exception
    first = payloads(at)
    weights = first["t.live.weights"]
    assert [layer["type"] for layer in weights["layers"]][:2] == ["linear", "relu"]
    at.run()
    again = payloads(at)
    assert again["t.live.weights"] == {"id": weights["id"]}  # the browser keeps the decoder it got
    assert first["t.live"]["decoder_id"] == weights["id"]
    # so are the codes: the first run carries them, later runs only their id
    assert "points" in first["t.live"] and "points" not in again["t.live"] and "labels" not in again["t.live"]
    assert again["t.live"] == {k: v for k, v in first["t.live"].items() if k not in ("points", "labels")}


def test_a_browser_that_lacks_the_codes_gets_them_on_the_next_run():
    at = script()
    at.run()
    assert "points" not in payloads(at)["t.live"]
    at.session_state["t.live.codes_sent"] = "another page's codes"  # what the missing trigger's callback clears
    assert "points" in payloads(at.run())["t.live"]


def test_the_codes_id_follows_the_codes_and_labels():
    mu = np.array([[0.1, 0.2], [-1.0, 1.5]])
    assert codes_id(mu, [3, 1]) == codes_id(mu.copy(), np.array([3, 1]))
    assert codes_id(mu, [3, 1]) != codes_id(mu, [3, 2]) != codes_id(mu + 1e-9, [3, 2])


def test_the_map_gets_codes_labels_palette_extent_and_the_servers_picture_of_z():
    at = script()
    data = payloads(at)["t.live"]
    assert data["points"] == [0.1, 0.2, -1.0, 1.5, 2.0, -0.5]
    assert data["labels"] == [3, 1, 4]
    assert data["extent"] == [-3.0, 3.0, -3.0, 3.0]
    assert data["z"] == [0.5, -0.5]
    assert data["palette"] == list(PALETTE) and data["sizes"] == NORMAL
    assert data["overlays"] == []
    torch.manual_seed(0)
    want = decode(VAE().eval(), (0.5, -0.5))  # (28, 28)
    got = np.frombuffer(base64.b64decode(data["image"]), dtype=np.uint8).reshape(28, 28)
    assert np.abs(got / 255.0 - want).max() <= 0.5 / 255 + 1e-6


def test_a_pick_calls_back_before_the_run_moves_z_and_returns_it():
    at = script()
    before = payloads(at)["t.live"]["image"]
    at._run(with_trigger(at, "t.live", "pick", [1.25, -2.0]))
    assert not at.exception
    assert at.session_state["z"] == (1.25, -2.0)
    data = payloads(at)["t.live"]
    assert data["z"] == [1.25, -2.0] and data["image"] != before
    assert any("returned (1.25, -2.0)" in m.value for m in at.markdown)
    at.run()  # a trigger fires once: the next run returns None and keeps z
    assert any("returned None" in m.value for m in at.markdown) and at.session_state["z"] == (1.25, -2.0)


def test_overlays_travel_as_small_data():
    data = payloads(script(path=True))["t.live"]
    (path,) = data["overlays"]
    assert path["kind"] == "path" and path["points"] == [0.0, 0.0, 1.0, 1.0] and path["ends"] == ["A", "B"]
    star = point_overlay(np.array([0.123456, -1.0]), PALETTE[4], "μ of test #9, a 4")
    assert star == {"kind": "point", "z": [0.1235, -1.0], "color": PALETTE[4], "label": "μ of test #9, a 4"}
    assert len(path_overlay(np.zeros((10, 2)))["points"]) == 20


def test_classroom_mode_sends_classroom_sizes():
    assert payloads(script(big=True))["t.live"]["sizes"] == CLASSROOM


def test_a_decoder_the_browser_cannot_run_says_so_and_the_map_still_picks():
    at = script(odd=True)
    assert not at.exception
    assert "Identity" in at.info[0].value and "drawn by the server" in at.info[0].value
    data = payloads(at)
    assert "t.live.weights" not in data and data["t.live"]["decoder_id"] is None
    at._run(with_trigger(at, "t.live", "pick", [-1.0, 1.0]))
    assert not at.exception and at.session_state["z"] == (-1.0, 1.0)
    torch.manual_seed(0)
    want = decode(VAE().eval(), (-1.0, 1.0))  # the extra Identity changes nothing: the same picture
    got = np.frombuffer(base64.b64decode(payloads(at)["t.live"]["image"]), dtype=np.uint8).reshape(28, 28)
    assert np.abs(got / 255.0 - want).max() <= 0.5 / 255 + 1e-6


def test_extent_may_be_a_rectangle_and_z_may_be_absent():
    data = map_data("x", [[1.23456, 2.0]], [7], None, (-1, 2, -3, 4), False, "k")
    assert data["extent"] == [-1.0, 2.0, -3.0, 4.0]
    assert data["z"] is None and data["points"] == [1.2346, 2.0] and data["image"] is None
