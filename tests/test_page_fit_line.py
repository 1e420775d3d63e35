"""Fit-a-line page (AppTest): renders, learns w≈1.8 and b≈32, follows a released control, round-trips the URL.

The pictures are the live descent widget in its fit mode: these tests read what the page sends it and the
sentences the page writes from its torch.optim reference training; the widget's training is compared with
fitline.train in Chromium (tests/e2e/test_descent_engine_e2e.py).
"""

import re

import numpy as np
import pytest
from apps import app_test, release, said, widget

from explorer.fitline import celsius_data

PAGE = "pages/fit_line.py"


def learned(at) -> tuple[float, float]:
    """The (w, b) the page's "In words" line says the neuron learned."""
    w, b = re.search(r"line is y = ([-\d.e]+)·x \+ ([-\d.e]+);", said(at).replace("−", "-")).groups()
    return float(w), float(b)


def controls(at) -> dict:
    return {name: spec["value"] for name, spec in widget(at)["controls"].items()}


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_and_learns_the_rule(at):
    assert not at.exception
    assert at.title[0].value == "Fit a line"
    w, b = learned(at)
    assert w == pytest.approx(1.8, abs=0.1) and b == pytest.approx(32, abs=1.5)
    data = widget(at)
    c, f = celsius_data()
    assert data["mode"] == "fit" and data["scale"] and data["true"] == [1.8, 32.0]
    np.testing.assert_allclose(data["fit"]["x"], (c - c.mean()) / c.std())  # what the neuron sees, standardised
    assert controls(at) == {"lr": 0.1, "steps": 60}
    assert data["controls"]["steps"]["label"] == "Steps (each uses all the points)"


def test_a_released_learning_rate_changes_the_training(at):
    before = learned(at)
    release(at, "fit", lr=0.01)
    assert not at.exception
    after = learned(at)
    # standardised input: the loss is 2·|error|² in both weights, so each step shrinks the error by (1 − 2η)
    assert after == pytest.approx((before[0] * (1 - 0.98 ** 60), before[1] * (1 - 0.98 ** 60)), rel=2e-3)


def test_raw_celsius_with_the_same_rate_diverges_and_says_so(at):
    at.toggle(key="fit.scale").set_value(False).run()
    assert not at.exception
    assert not widget(at)["scale"]
    assert "The loss blew up" in said(at) and "the loss rose from 2704" in said(at)


def test_optimizer_choice_and_settings(at):
    at.selectbox(key="fit.opt").set_value("adam").run()
    assert set(controls(at)) == {"lr", "steps", "beta1", "beta2", "eps"}
    release(at, "fit", beta1=0.5)
    assert not at.exception
    assert learned(at) != pytest.approx((1.834, 31.67), abs=1e-3)


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["fit.lr"] = "0.3"
    at.query_params["fit.steps"] = "25"
    at.query_params["fit.opt"] = "momentum"
    at.run()
    assert not at.exception
    assert controls(at)["lr"] == 0.3 and controls(at)["steps"] == 25
    assert at.selectbox(key="fit.opt").value == "momentum"
    at.toggle(key="fit.scale").set_value(False).run()
    assert at.query_params["fit.scale"] == "0"
    assert at.query_params["fit.steps"] == "25"
    release(at, "fit", steps=40)
    assert at.query_params["fit.steps"] == "40"


def test_classroom_mode_sends_bigger_sizes(at):
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    assert widget(big)["sizes"]["font"] > widget(at)["sizes"]["font"]
