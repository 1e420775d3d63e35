"""The live descent widget's Python side under AppTest: what each mode sends, and how a release is checked.

The browser side (redraws while dragging, no messages, the release) is tested in
tests/e2e/test_live_descent_e2e.py; the engine against torch in tests/e2e/test_descent_engine_e2e.py.
"""

import base64
import json
import math

import numpy as np
from streamlit.testing.v1 import AppTest

from explorer.expressions import parse
from explorer.figures.style import CLASSROOM, NORMAL, PALETTE
from explorer.fitline import celsius_data
from explorer.surfaces import CURVES, grid
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.widgets import live_descent
from explorer.ui.widgets.live_descent import LABELS, Ranges, _accept, curve_payload, fit_payload, hyper

RANGES = Ranges(obox.LEARNING_RATES, obox.EPSILONS, obox.USES)
VALUES = {"lr": 0.1, "steps": 30, "momentum": 0.9, "alpha": 0.99, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

SCRIPT = """
import streamlit as st
from explorer.figures.descent import contour_layers
from explorer.surfaces import CURVES, SURFACES, grid
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.widgets import live_descent

ranges = live_descent.Ranges(obox.LEARNING_RATES, obox.EPSILONS, obox.USES)
values = {"lr": 0.1, "steps": 30, "momentum": 0.9, "alpha": 0.99, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "k": 0}
big = st.session_state.get("big", False)
if st.session_state.get("mode", "curve") == "curve":
    s = CURVES["wiggly"]
    live_descent.curve(s.f, s.domain[0], values | {"x0": st.session_state.get("t.x0", 7.0)}, "adam", ranges, key="t.live", prefix="t",
                       classroom=big, minima=s.minima, span=20.0)
else:
    s = SURFACES["himmelblau"]
    layers = contour_layers(*grid(s, n=60), big)
    live_descent.surface(s.f, s.domain, layers, values | {"start": (0.0, -0.5)}, ["sgd", "momentum", "adam"], ranges,
                         key="t.live", prefix="t", classroom=big, minima=s.minima, span=10.0)
"""


def payload(at: AppTest) -> dict:
    (element,) = at.get("bidi_component")
    return json.loads(element.proto.json)


def test_a_curve_sends_its_tree_controls_and_samples_once():
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    data = payload(at)
    assert data["mode"] == "curve" and data["target"] == "t.live"
    assert data["tree"]["variables"] == ["x"] and {n["op"] for n in data["tree"]["nodes"]} == {"x", "const", "pow", "mul", "sin", "add"}
    assert list(data["controls"]) == ["lr", "steps", "x0", "beta1", "beta2", "eps"]  # Adam's settings only
    assert data["controls"]["lr"]["choices"] == list(obox.LEARNING_RATES) and data["controls"]["lr"]["label"] == LABELS["lr"]
    assert data["controls"]["eps"]["choices"] == list(obox.EPSILONS)
    lo, hi, step = data["controls"]["x0"]["range"]
    assert (lo, hi) == (-10.0, 10.0) and step == 0.01 and data["controls"]["x0"]["value"] == 7.0
    assert data["sizes"] == NORMAL and data["palette"] == list(PALETTE)
    assert data["optimizers"][0]["name"] == "adam" and data["minima"] == [m[0] for m in CURVES["wiggly"].minima]
    samples = data["asset"]["body"]
    assert len(samples["x"]) == 2000 and samples["x"][0] == -50.0 and samples["x"][-1] == 50.0  # two widths each side
    at.run()
    assert payload(at)["asset"] == {"id": data["asset"]["id"]}  # the browser keeps the samples it got


def test_curve_samples_are_the_functions_values_to_seven_digits_with_gaps_as_null():
    xs, ys = grid(parse("log(x) + 1e-9*x^9 - 3e5"), ((-7.0, 18.0),), n=live_descent.SAMPLES)
    samples = live_descent._curve_samples("log(x) + 1e-9*x^9 - 3e5", 3.0, 8.0)
    assert samples["x"] == [float(f"{v:.7g}") for v in xs]
    assert samples["y"] == [None if np.isnan(v) else float(f"{v:.7g}") for v in ys]  # log(x): undefined for x ≤ 0
    assert samples["y"][0] is None and samples["y"][-1] is not None


def test_a_curve_shown_before_is_not_sent_again_and_a_page_that_lacks_it_gets_it():
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    first = payload(at)["asset"]
    at.session_state["t.x0"] = 40.0  # a far start widens the view: new samples
    at.run()
    wide = payload(at)["asset"]
    assert "body" in wide and wide["id"] != first["id"]
    at.session_state["t.x0"] = 7.0  # back to the first view: the browser holds its samples
    at.run()
    assert payload(at)["asset"] == {"id": first["id"]}
    del at.session_state["t.live.assets_sent"]  # as the widget's "missing" trigger does
    at.run()
    assert payload(at)["asset"] == first


def test_a_surface_sends_the_contour_picture_and_the_racers():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["mode"], at.session_state["big"] = "surface", True
    at.run()
    assert not at.exception
    data = payload(at)
    assert [o["name"] for o in data["optimizers"]] == ["sgd", "momentum", "adam"]
    assert len({o["colour"] for o in data["optimizers"]}) == 3
    assert list(data["controls"]) == ["lr", "steps", "momentum", "beta1", "beta2", "eps"]
    assert data["start"] == [0.0, -0.5] and data["domain"] == [[-5.0, 5.0], [-5.0, 5.0]] and len(data["minima"]) == 4
    assert data["sizes"] == CLASSROOM
    picture = data["asset"]["body"]["picture"]
    assert picture.startswith("data:image/png;base64,") and base64.b64decode(picture.split(",")[1])[:4] == b"\x89PNG"
    fractions = [f for f, _ in data["asset"]["body"]["bar"]]
    assert fractions[0] == 0 and fractions[-1] == 1 and fractions == sorted(fractions)


def test_a_fit_sends_what_the_neuron_sees_and_how_to_map_it_back():
    c, f = celsius_data()
    scaled = fit_payload(c, f, VALUES, "sgd", RANGES, scale=True, key="k")["fit"]
    assert abs(np.mean(scaled["x"])) < 1e-12 and abs(np.std(scaled["x"]) - 1) < 1e-12
    assert scaled["mean"] == float(np.mean(c)) and scaled["std"] == float(np.std(c))
    raw = fit_payload(c, f, VALUES, "sgd", RANGES, scale=False, key="k")
    assert raw["fit"]["x"] == c.tolist() and (raw["fit"]["mean"], raw["fit"]["std"]) == (0.0, 1.0)
    assert raw["c"] == c.tolist() and raw["true"] == [1.8, 32.0] and list(raw["controls"]) == ["lr", "steps"]


def test_a_release_is_checked_against_what_was_sent():
    data, _ = curve_payload(CURVES["bowl"].f, (-3.0, 3.0), VALUES | {"x0": 2.5, "k": 0}, "momentum", RANGES, key="k", span=6.0)
    released = _accept({"lr": 0.0299, "steps": 800, "x0": -2.345, "momentum": 0.55, "k": 7, "eps": 1, "evil": "x"}, data)
    assert released == {"lr": 0.03, "steps": 500, "x0": -2.35, "momentum": 0.55, "k": 7}  # eps is not Momentum's
    assert _accept({"lr": math.nan, "steps": "many", "x0": None, "momentum": -1}, data) == {"momentum": 0.0}
    assert _accept("not a dict", data) == {} and _accept(None, data) == {}


def test_a_released_start_stays_on_the_map():
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["mode"] = "surface"
    at.run()
    data = payload(at)
    assert _accept({"start": [7.123456, -1.23456]}, data)["start"] == (5.0, -1.235)
    assert "start" not in _accept({"start": [1, "x"]}, data) and "start" not in _accept({"start": [1.0]}, data)


def test_settings_become_torch_keywords_as_the_optimizer_box_makes_them():
    assert hyper("sgd", VALUES) == {}
    assert hyper("nesterov", VALUES) == {"momentum": 0.9}
    assert hyper("rmsprop", VALUES) == {"alpha": 0.99, "eps": 1e-8}
    assert hyper("adam", VALUES) == {"betas": (0.9, 0.999), "eps": 1e-8}
    assert set(obox.USES) == {"sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam"}
