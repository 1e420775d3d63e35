"""Logits → softmax page (AppTest): renders, sliders move the bars, classifier logits, URL state, classroom."""

import json
import math

import pytest
import torch
from apps import app_test

from explorer import zoo
from explorer.data import digits

PAGE = "pages/softmax.py"
DEFAULT = [1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5]


def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def probabilities(at) -> list[float]:
    return figures(at)[0]["data"][1]["y"]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_logits_probabilities_and_gradient(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "Logits → softmax"
    both, grad = figures(at)
    assert both["data"][0]["y"] == DEFAULT
    p = torch.softmax(torch.tensor(DEFAULT), -1)
    assert sum(probabilities(at)) == pytest.approx(1.0)
    assert probabilities(at) == pytest.approx(p.tolist(), rel=1e-5)
    assert grad["data"][0]["y"] == pytest.approx((p - torch.eye(10)[7]).tolist(), abs=1e-6)
    assert metrics(at)["CE loss"] == f"{-math.log(p[7]):.3f}"
    captions = [h.proto.body for h in at.get("html") if "explorer-caption" in h.proto.body]
    assert len(captions) >= 3


def test_logit_slider_and_temperature_change_the_probabilities(at):
    before = probabilities(at)
    at.slider(key="softmax.z2").set_value(8.0).run()
    after = probabilities(at)
    assert after[2] > 0.9 > before[2]
    at.slider(key="softmax.T").set_value(5.0).run()
    flat = probabilities(at)
    assert max(flat) < max(after)  # a high temperature flattens
    z = torch.tensor(DEFAULT)
    z[2] = 8.0
    assert flat == pytest.approx(torch.softmax(z / 5.0, -1).tolist(), rel=1e-5)


def test_true_class_changes_loss_and_gradient(at):
    at.selectbox(key="softmax.true").set_value(6).run()
    p = torch.softmax(torch.tensor(DEFAULT), -1)
    assert metrics(at)["CE loss"] == f"{-math.log(p[6]):.3f}"
    grad = figures(at)[1]["data"][0]["y"]
    assert grad[6] < 0 and grad[7] > 0


def test_the_classifier_box_is_made_once_opened_and_a_link_to_a_digit_opens_it(at):
    assert not at.number_input  # closed: the digit, its logits and its card are not made on a rerun
    linked = app_test(PAGE)
    linked.query_params["softmax.digit"] = "250"
    assert linked.run().number_input(key="softmax.digit").value == 250


def test_digit_logits_button_loads_the_classifier_logits(at):
    assert zoo.verify("classifier") is None, "the shipped classifier checkpoint should load"
    at.session_state["_softmax.real"] = True
    at.run().number_input(key="softmax.digit").set_value(250).run()
    images, labels = digits("mnist-5k", "test")
    with torch.inference_mode():
        expected = zoo.load("classifier")(images[250:251])[0]
    at.button[0].click().run()
    assert not at.exception
    sliders = [at.slider(key=f"softmax.z{k}").value for k in range(10)]
    assert sliders == pytest.approx(expected.clamp(-20, 20).tolist(), abs=0.051)  # rounded to the slider step
    assert at.selectbox(key="softmax.true").value == int(labels[250])
    assert figures(at)[0]["data"][0]["y"] == sliders


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["softmax.z3"] = "4.5"
    at.query_params["softmax.T"] = "2"
    at.query_params["softmax.true"] = "3"
    at.run()
    assert not at.exception
    assert at.slider(key="softmax.z3").value == 4.5
    assert at.slider(key="softmax.T").value == 2.0
    assert at.selectbox(key="softmax.true").value == 3
    at.slider(key="softmax.z0").set_value(-3.0).run()
    assert at.query_params["softmax.z0"] == "-3"
    assert at.query_params["softmax.z3"] == "4.5"


def test_bad_link_values_are_ignored_or_clipped():
    at = app_test(PAGE)
    at.query_params["softmax.T"] = "0"
    at.query_params["softmax.true"] = "12"
    at.run()
    assert not at.exception
    assert at.slider(key="softmax.T").value == pytest.approx(0.1)  # clipped into range
    assert at.selectbox(key="softmax.true").value == 7  # not a class: the default stays


def test_classroom_mode_makes_figure_fonts_bigger(at):
    normal = figures(at)
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    large = figures(big.run())
    for small, wide in zip(normal, large):
        assert wide["layout"]["font"]["size"] >= 20 > small["layout"]["font"]["size"]
        assert wide["layout"]["xaxis"]["tickfont"]["size"] > small["layout"]["xaxis"]["tickfont"]["size"]
