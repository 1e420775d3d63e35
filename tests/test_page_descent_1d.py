"""Slope and descent page (AppTest): renders, follows the learning rate, survives bad formulas, keeps the URL."""


import numpy as np
import pytest
from apps import app_test, figure, shown, values

PAGE = "pages/descent_1d.py"



def trace(fig: dict, name: str) -> dict:
    return next(d for d in fig["data"] if d.get("name") == name)



@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_curve_tangent_formula_and_frames(at):
    assert not at.exception
    assert at.title[0].value == "Slope and descent"
    fig = figure(at)
    assert {"f(x)", "tangent (slope)", "steps so far", "loss"} <= {d.get("name") for d in fig["data"]}
    assert len(fig["frames"]) == 31  # 30 steps + the start: scrubbing and play run in the browser
    assert fig["layout"]["sliders"][0]["steps"][5]["args"][0] == ["5"]
    tx, ty = values(trace(fig, "tangent (slope)")["x"]), values(trace(fig, "tangent (slope)")["y"])
    slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert slope == pytest.approx(5.0)  # f'(2.5) for x²
    assert "slope f′(x) = 5" in fig["data"][5]["text"][0]
    assert r"x_{1} = x_{0} - \eta\,f'(x_{0}) = 2.5 - 0.1\cdot5 = 2" in at.latex[0].value


def test_learning_rate_changes_the_trajectory(at):
    before = values(trace(figure(at), "loss")["y"])
    at.select_slider(key="gd1.lr").set_value(0.3).run()
    after = values(trace(figure(at), "loss")["y"])
    assert not at.exception
    assert not np.array_equal(after, before)
    assert after[1] == pytest.approx((2.5 * (1 - 2 * 0.3)) ** 2)  # SGD on x²: x₁ = x₀(1 − 2η)
    assert r"2.5 - 0.3\cdot5 = 1" in at.latex[0].value


def test_scrubbing_step_k_prints_that_steps_numbers(at):
    at.slider(key="gd1.k").set_value(3).run()
    x3 = 2.5 * 0.8 ** 3
    assert "x_{4} = x_{3}" in at.latex[0].value
    assert f"{x3:.4g}" in at.latex[0].value
    assert figure(at)["layout"]["sliders"][0]["active"] == 3


def test_divergence_is_said_in_words(at):
    at.select_slider(key="gd1.lr").set_value(2.0).run()
    assert not at.exception
    assert any("Learning rate too large: diverged at step" in w.value for w in at.warning)


def test_bad_formula_shows_the_message_and_keeps_the_last_good_function(at):
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(x)").run()
    good = values(trace(figure(at), "f(x)")["y"])
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(z)").run()
    assert not at.exception
    assert "unknown name 'z'" in at.error[0].value
    assert "x^2 + 3*sin(x)" in shown(at.error[0].value)
    np.testing.assert_array_equal(values(trace(figure(at), "f(x)")["y"]), good)


def test_a_formula_in_y_is_refused_on_the_curve_page(at):
    at.text_input(key="gd1.expr").input("x*y").run()
    assert not at.exception
    assert "curves of x only" in at.error[0].value


def test_preset_moves_start_and_learning_rate(at):
    at.selectbox(key="gd1.fn").set_value("two_minima").run()
    assert at.text_input(key="gd1.expr").value == "x^4 - 3.5*x^2 + 3*x"
    assert at.number_input(key="gd1.x0").value == pytest.approx(2.2)
    assert at.select_slider(key="gd1.lr").value == pytest.approx(0.02)


def test_every_optimizer_runs_with_its_settings_and_prints_its_rule(at):
    for name, marker in [("momentum", r"\mu"), ("nesterov", r"\mu"), ("rmsprop", r"\alpha"),
                         ("adagrad", "s_{1}"), ("adam", r"\beta_1")]:
        at.selectbox(key="gd1.opt").set_value(name).run()
        assert not at.exception, name
        assert marker in " ".join(t.value for t in at.latex), name
    at.slider(key="gd1.beta1").set_value(0.5).run()
    assert r"\hat m" in at.latex[1].value


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["gd1.fn"] = "wiggly"
    at.query_params["gd1.lr"] = "0.02"
    at.query_params["gd1.opt"] = "adam"
    at.query_params["gd1.steps"] = "80"
    at.query_params["gd1.x0"] = "-6"
    at.run()
    assert not at.exception
    assert at.selectbox(key="gd1.fn").value == "wiggly"
    assert at.text_input(key="gd1.expr").value == "x^2 + 10*sin(x)"
    assert at.select_slider(key="gd1.lr").value == pytest.approx(0.02)
    assert at.selectbox(key="gd1.opt").value == "adam"
    assert at.slider(key="gd1.steps").value == 80
    assert at.number_input(key="gd1.x0").value == pytest.approx(-6.0)
    at.slider(key="gd1.steps").set_value(120).run()
    assert at.query_params["gd1.steps"] == "120"
    assert at.query_params["gd1.lr"] == "0.02"
    assert at.query_params["gd1.fn"] == "wiggly"


def test_typed_formula_round_trips_through_the_url():
    at = app_test(PAGE)
    at.query_params["gd1.fn"] = "custom"
    at.query_params["gd1.expr"] = "cos(x) + x^2/4"
    at.run()
    assert not at.exception
    assert at.text_input(key="gd1.expr").value == "cos(x) + x^2/4"
    typed = values(trace(figure(at), "f(x)")["y"])
    assert not np.array_equal(typed, values(trace(figure(app_test(PAGE).run()), "f(x)")["y"]))


def test_classroom_mode_makes_figure_type_bigger(at):
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    small, large = figure(at)["layout"], figure(big)["layout"]
    assert large["font"]["size"] > small["font"]["size"]
    assert large["xaxis"]["tickfont"]["size"] > small["xaxis"]["tickfont"]["size"] >= 14
    assert large["sliders"][0]["currentvalue"]["font"]["size"] >= 20
