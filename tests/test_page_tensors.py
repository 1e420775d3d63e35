"""Tensors and kernels page (AppTest): renders, each control changes what it should, bad kernels get a
message, the link round-trips, classroom sizes, and the parts without the classifier still work."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from apps import app_test, values

from explorer import kernels as K
from explorer import zoo
from explorer.data import digits
from explorer.ui.tensors.choices import TABS

PAGE = "pages/tensors.py"


def figures(at) -> dict[str, dict]:
    """Every chart of the run by its key."""
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def z(fig: dict, i: int = 0) -> np.ndarray:
    tr = fig["data"][i]
    return values(tr["z"]).reshape(-1) if isinstance(tr["z"], dict) else np.asarray(tr["z"], dtype=float).reshape(-1)


def window_data(at) -> dict:
    (mount,) = at.get("bidi_component")
    return json.loads(mount.proto.json)


def captions(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "explorer-caption" in h.proto.body]


def open_tab(tab: str, **query):
    at = app_test(PAGE)
    at.query_params["tensors.tab"] = tab
    for k, v in query.items():
        at.query_params[f"tensors.{k}"] = str(v)
    return at.run()


@pytest.fixture(scope="module")
def test_images():
    return digits("mnist-5k", "test")


@pytest.fixture(scope="module")
def net():
    assert zoo.verify("classifier") is None, "the shipped classifier checkpoint should load"
    return zoo.load("classifier")


def test_renders_every_tab_without_an_exception():
    at = app_test(PAGE).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Tensors and kernels"
    assert any("The idea." in h.proto.body and "tensor" in h.proto.body for h in at.get("html"))
    for tab in TABS:
        at = open_tab(tab)
        assert not at.exception and not at.error, tab
        assert captions(at), f"{tab} has no caption"


def test_tensors_tab_shows_the_picked_element_and_follows_the_sliders(test_images):
    at = open_tab("Tensors")
    code = at.code[0].value
    x = test_images[0][K.batch_indices(700)]
    assert "x[2, 0, 14, 16]" in code and f"{float(x[2, 0, 14, 16]):.4f}" in code
    before = figures(at)
    at.slider(key="tensors.row").set_value(12).run()
    at.slider(key="tensors.col").set_value(11).run()
    code = at.code[0].value
    assert "x[2, 0, 12, 11]" in code and "row = x[2, 0, 12]" in code and "digit[12, 11]" in code
    assert f"{float(x[2, 0, 12, 11]):.4f}" in code
    after = figures(at)
    bars = after["tensors.row_chart"]["data"][0]["y"]
    assert bars != before["tensors.row_chart"]["data"][0]["y"]  # another row's numbers
    assert np.allclose(bars, x[2, 0, 12].numpy())
    assert not np.array_equal(z(after["tensors.digit_chart"], 1), z(before["tensors.digit_chart"], 1))  # another crop
    at.slider(key="tensors.n").set_value(0).run()
    assert "x[0, 0, 12, 11]" in at.code[0].value
    shapes = figures(at)["tensors.batch_chart"]["layout"]["shapes"]
    assert shapes[0]["xref"] == "x domain"  # the frame moved to the first digit


def test_the_digit_control_changes_the_batch_and_the_label(test_images):
    at = open_tab("Tensors")
    first = z(figures(at)["tensors.batch_chart"])
    at.number_input(key="tensors.digit").set_value(123).run()
    assert not at.exception
    batch = figures(at)["tensors.batch_chart"]
    assert np.allclose(z(batch), test_images[0][123, 0].numpy().reshape(-1))
    assert not np.array_equal(z(batch), first)
    assert f"is a **{int(test_images[1][123])}**" in at.markdown[0].value


def test_kernels_tab_feature_map_is_conv2d_of_the_picked_kernel(test_images, net):
    at = open_tab("Kernels")
    weights, biases = K.first_layer(net)
    image = test_images[0][700:701]
    for choice in ("11", "4"):
        at.selectbox(key="tensors.kernel").set_value(choice).run()
        figs = figures(at)
        k = int(choice)
        assert np.allclose(z(figs["tensors.kernel_big"]), weights[k].numpy().reshape(-1), atol=1e-6)
        expected = F.conv2d(image, weights[k:k + 1, None], biases[k:k + 1], padding=1)[0, 0]
        assert np.allclose(z(figs["tensors.kernel_map"]), expected.numpy().reshape(-1), atol=1e-6)
        assert any(s.get("xref") == f"x{k + 1} domain" for s in figs["tensors.kernel_grid"]["layout"]["shapes"])


def test_sliding_window_gets_the_digit_the_kernel_and_keeps_the_position(test_images, net):
    at = open_tab("Sliding window")
    weights, biases = K.first_layer(net)
    data = window_data(at)
    assert np.allclose(data["image"], test_images[0][700, 0].numpy().reshape(-1), atol=1e-6)
    assert np.allclose(data["kernel"], weights[11].numpy().reshape(-1), atol=1e-6)
    assert data["bias"] == pytest.approx(float(biases[11]), abs=1e-6)
    assert data["position"] == [10, 12]
    at.session_state["tensors.window"] = {"position": [3, 25]}  # what the browser reports when the window stops
    at.run()
    assert window_data(at)["position"] == [3, 25]
    assert at.query_params["tensors.wrow"] == "3" and at.query_params["tensors.wcol"] == "25"
    at.selectbox(key="tensors.kernel").set_value("own").run()
    data = window_data(at)
    assert data["kernel"] == [-1, 0, 1, -2, 0, 2, -1, 0, 1] and data["bias"] == 0  # your kernel: the vertical edge
    assert data["position"] == [3, 25]


def test_your_own_kernel_presets_entries_and_messages(test_images):
    at = open_tab("Your own kernel")
    image = test_images[0][700, 0]
    vertical = z(figures(at)["tensors.own_map"])
    assert np.allclose(vertical, F.conv2d(image[None, None], K.parse_kernel(K.PRESETS["vertical edge"])[None, None],
                                          padding=1).numpy().reshape(-1), atol=1e-6)
    at.get("button_group")[0].set_value("identity").run()
    assert [at.text_input(key=f"tensors.k{i}").value for i in range(9)] == list(K.PRESETS["identity"])
    assert np.allclose(z(figures(at)["tensors.own_map"]), image.numpy().reshape(-1), atol=1e-6)  # identity: the digit
    assert at.get("button_group")[0].value is None  # a preset is applied once, then forgotten
    at.text_input(key="tensors.k4").set_value("1/2").run()
    assert np.allclose(z(figures(at)["tensors.own_map"]), 0.5 * image.numpy().reshape(-1), atol=1e-6)
    at.text_input(key="tensors.k0").set_value("abc").run()
    at.text_input(key="tensors.k8").set_value("25").run()
    assert not at.exception
    message = at.error[0].value.replace("\\", "")
    assert "row 1, column 1: 'abc' is not a number" in message and "row 3, column 3: 25 is outside" in message
    assert "tensors.own_map" not in figures(at)
    at.text_input(key="tensors.k0").set_value("0").run()
    at.text_input(key="tensors.k8").set_value("0").run()
    assert not at.error and "tensors.own_map" in figures(at)


def test_bad_own_kernel_in_the_sliding_window_says_where_to_fix_it():
    at = open_tab("Sliding window", kernel="own", k3="oops")
    assert not at.exception
    assert not at.get("bidi_component")
    assert "Your own kernel" in at.warning[0].value


def test_slide_it_button_opens_the_window_with_your_kernel():
    at = open_tab("Your own kernel")
    at.button[0].click().run()
    assert at.session_state["tensors.tab"] == "Sliding window" and at.session_state["tensors.kernel"] == "own"
    assert window_data(at)["kernel_name"] == "your own kernel"


def test_layers_tab_shows_the_nets_maps_softmax_and_held_out_accuracy(test_images, net):
    at = open_tab("What the layers see", digit=250)
    x = test_images[0][250:251]
    with torch.inference_mode():
        probs = torch.softmax(net(x)[0], 0)
        conv1 = torch.relu(F.conv2d(x, net.net[0].weight, net.net[0].bias, padding=1))[0]
    figs = figures(at)
    assert np.allclose(figs["tensors.probs"]["data"][0]["y"], probs.numpy(), atol=1e-6)
    assert np.allclose(z(figs["tensors.conv1"], 5), conv1[5].numpy().reshape(-1), atol=1e-6)
    assert len(figs["tensors.conv1"]["data"]) == 16 and len(figs["tensors.conv2"]["data"]) == 32
    accuracy = zoo.read_manifest()["models"]["classifier-mnist-5k"]["metrics"]["accuracy"]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Held-out accuracy"] == f"{accuracy:.1%}"
    assert shown["The net says"] == str(int(probs.argmax())) and shown["True label"] == str(int(test_images[1][250]))


def test_url_round_trip_and_bad_values():
    at = app_test(PAGE)
    at.query_params.update({"tensors.tab": "Tensors", "tensors.n": "3", "tensors.row": "5", "tensors.col": "40",
                            "tensors.kernel": "99", "tensors.digit": "oops"})
    at.run()
    assert not at.exception
    assert at.slider(key="tensors.n").value == 3 and at.slider(key="tensors.row").value == 5
    assert at.slider(key="tensors.col").value == 27  # clipped into range
    assert at.session_state["tensors.kernel"] == "11" and at.number_input(key="tensors.digit").value == 700  # ignored
    at.slider(key="tensors.row").set_value(20).run()
    assert at.query_params["tensors.row"] == "20" and at.query_params["tensors.n"] == "3"


def test_classroom_mode_makes_figures_bigger():
    normal = figures(open_tab("Kernels"))
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.query_params["tensors.tab"] = "Kernels"
    large = figures(big.run())
    for key in normal:
        assert large[key]["layout"]["font"]["size"] >= 20 > normal[key]["layout"]["font"]["size"]
    assert "texttemplate" in normal["tensors.kernel_grid"]["data"][0]  # numbers in every cell on a laptop
    big.query_params["tensors.tab"] = "Sliding window"
    big.session_state["tensors.tab"] = "Sliding window"
    assert window_data(big.run())["sizes"]["font"] >= 20


SCRIPT = """
import streamlit as st
from explorer.ui.tensors import own_kernel, sections
from explorer.ui.state_tables import TABLES
from explorer.ui import url_state

url_state.restore(TABLES["tensors"])
ctx = sections.context(700, None, False)  # the classifier could not be had
show = {"tensors": sections.tensors, "kernels": sections.kernels, "window": sections.sliding_window,
        "layers": lambda c: sections.layers(c, "11"), "own": lambda c: own_kernel.section(c.image, c.index, False)}
show[st.session_state.get("which", "tensors")](ctx)
"""


@pytest.mark.parametrize("which, charts", [
    ("tensors", {"tensors.digit_chart", "tensors.row_chart", "tensors.batch_chart"}), ("kernels", set()),
    ("window", set()), ("layers", set()), ("own", {"tensors.own_map"}),
])
def test_without_the_classifier_the_rest_still_renders(which, charts):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["which"] = which
    at.run()
    assert not at.exception
    assert {c.key for c in at.get("plotly_chart")} == charts
    assert len(at.info) == (0 if charts else 1)  # a section that needs the net says why it is empty
    if which == "window":  # your own kernel needs no network
        at.session_state["tensors.kernel"] = "own"
        assert at.run().get("bidi_component")
