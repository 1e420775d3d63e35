"""Fit-a-line page (AppTest): renders, sends the widget the points, the least-squares line and its loss, follows a
released control, says when torch.optim refuses the settings, round-trips the URL.

The pictures and the sentences about the run are the live descent widget in its fit mode: these tests read what
the page sends it. The widget's training is compared with fitline.train, and its sentences with words.fit and
outcomes.fit_outcome of that training, in Chromium (tests/e2e/test_descent_engine_e2e.py,
tests/e2e/test_descent_e2e.py).
"""

import numpy as np
import pytest
from apps import app_test, release, said, widget

from explorer.fitline import celsius_data, exact_fit, mse

PAGE = "pages/fit_line.py"


def controls(at) -> dict:
    return {name: spec["value"] for name, spec in widget(at)["controls"].items()}


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_and_sends_the_points_and_the_best_line(at):
    assert not at.exception
    assert at.title[0].value == "Fit a line"
    data = widget(at)
    c, f = celsius_data()
    assert data["mode"] == "fit" and data["scale"] and data["true"] == [1.8, 32.0]
    np.testing.assert_allclose(data["fit"]["x"], (c - c.mean()) / c.std())  # what the neuron sees, standardised
    best = exact_fit(c, f)
    assert data["best"] == list(best) and data["best_loss"] == float(mse(*best, c, f))  # the noise level
    assert data["best_loss"] == pytest.approx(float(np.mean((np.polyval(np.polyfit(c, f, 1), c) - f) ** 2)), rel=1e-12)
    assert controls(at) == {"lr": 0.1, "steps": 60}
    assert data["controls"]["steps"]["label"] == "Steps (each uses all the points)"
    assert f"w = {best[0]:.3f}, b = {best[1]:.2f}" in said(at, ["markdown"])


def test_a_released_learning_rate_reaches_the_widget_and_the_address(at):
    release(at, "fit", lr=0.01)
    assert not at.exception
    assert controls(at)["lr"] == 0.01 and at.query_params["fit.lr"] == "0.01"


def test_raw_celsius_is_what_the_neuron_sees_without_scaling(at):
    at.toggle(key="fit.scale").set_value(False).run()
    assert not at.exception
    data = widget(at)
    assert not data["scale"] and (data["fit"]["mean"], data["fit"]["std"]) == (0.0, 1.0)
    np.testing.assert_array_equal(data["fit"]["x"], celsius_data()[0])
    assert "Feature scaling: the neuron sees" not in said(at)


def test_optimizer_choice_and_settings(at):
    at.selectbox(key="fit.opt").set_value("adam").run()
    assert set(controls(at)) == {"lr", "steps", "beta1", "beta2", "eps"}
    release(at, "fit", beta1=0.5)
    assert not at.exception
    assert controls(at)["beta1"] == 0.5 and at.query_params["fit.beta1"] == "0.5"


def test_settings_torch_optim_refuses_are_said_in_plain_words(at):
    assert "the path training took" in said(at)
    at.selectbox(key="fit.opt").set_value("nesterov").run()
    release(at, "fit", momentum=0.0)
    assert not at.exception
    assert "Can't train: nesterov: Nesterov momentum requires a momentum" in at.error[0].value
    assert "the path training took" not in said(at)  # a refused training draws no path


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
