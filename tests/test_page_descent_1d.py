"""Slope and descent page (AppTest): renders, follows a released control, survives bad formulas, keeps the URL.

The picture is the live descent widget: these tests read what the page sends it (controls, curve samples,
the parser's tree) and what the widget writes from it (tests/widget_words.py). The widget's own drawing, its
arithmetic and its sentences against torch are tested in Chromium (tests/e2e/test_live_descent_e2e.py,
tests/e2e/test_descent_engine_e2e.py, tests/e2e/test_descent_e2e.py).
"""

import pytest
from apps import app_test, release, said, shown, widget
from widget_words import written

from explorer.figures.words import num

PAGE = "pages/descent_1d.py"


@pytest.fixture
def at():
    return app_test(PAGE).run()


def controls(at) -> dict:
    return {name: spec["value"] for name, spec in widget(at)["controls"].items()}


def test_renders_the_live_curve_with_its_controls_and_what_it_says(at):
    assert not at.exception
    assert at.title[0].value == "Slope and descent"
    data = widget(at)
    assert data["mode"] == "curve" and data["target"] == "gd1.live"
    assert controls(at) == {"lr": 0.1, "steps": 30, "x0": 2.5}  # plain SGD: no settings beyond η
    assert data["tree"]["variables"] == ["x"] and data["minima"] == [0.0]
    xs, ys = data["asset"]["body"]["x"], data["asset"]["body"]["y"]
    assert ys[len(xs) // 2] == pytest.approx(xs[len(xs) // 2] ** 2, rel=1e-6)  # the curve's samples are f = x²
    x30 = 2.5 * 0.8 ** 30  # SGD on x² at η = 0.1: x ← 0.8·x
    assert f"reached x = {num(x30)}" in written(at).said
    assert widget(at)["span"] == 6.0 and widget(at)["lesson"]["facts"] == [["is", "sgd", "settled"]]


def test_a_released_learning_rate_reaches_the_widget_and_the_sentences_follow(at):
    release(at, "gd1", lr=0.3)
    assert not at.exception
    assert controls(at)["lr"] == 0.3
    x30 = 2.5 * (1 - 2 * 0.3) ** 30
    assert f"reached x = {num(x30)}" in written(at).said


def test_step_k_is_clamped_to_the_run(at):
    release(at, "gd1", k=400)
    assert widget(at)["k"] == 29  # 30 steps: the last step whose numbers exist


def test_divergence_is_said_in_words(at):
    release(at, "gd1", lr=2.0)
    assert not at.exception
    assert "learning rate too large: diverged at step" in written(at).text.lower()


def test_bad_formula_shows_the_message_and_keeps_the_last_good_function(at):
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(x)").run()
    good = widget(at)["tree"]
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(z)").run()
    assert not at.exception
    assert "unknown name 'z'" in at.error[0].value
    assert "x^2 + 3*sin(x)" in shown(at.error[0].value)
    assert widget(at)["tree"] == good


def test_a_formula_in_y_is_refused_on_the_curve_page(at):
    at.text_input(key="gd1.expr").input("x*y").run()
    assert not at.exception
    assert "curves of x only" in at.error[0].value


def test_a_refused_run_is_said_and_the_caption_of_its_steps_is_not(at):
    assert "the steps so far" in said(at)
    at.selectbox(key="gd1.opt").set_value("nesterov").run()
    release(at, "gd1", momentum=0.0)
    assert not at.exception
    assert "Can't run this: nesterov: Nesterov momentum requires a momentum" in at.error[0].value
    assert "the steps so far" not in said(at)  # a refused run draws no steps


def test_preset_moves_start_and_learning_rate(at):
    at.selectbox(key="gd1.fn").set_value("two_minima").run()
    assert at.text_input(key="gd1.expr").value == "x^4 - 3.5*x^2 + 3*x"
    assert controls(at)["x0"] == pytest.approx(2.2) and controls(at)["lr"] == pytest.approx(0.02)


def test_every_optimizer_sends_its_own_settings_and_runs(at):
    for name, settings in [("momentum", {"momentum"}), ("nesterov", {"momentum"}), ("rmsprop", {"alpha", "eps"}),
                           ("adagrad", {"eps"}), ("adam", {"beta1", "beta2", "eps"})]:
        at.selectbox(key="gd1.opt").set_value(name).run()
        assert not at.exception, name
        assert set(controls(at)) == {"lr", "steps", "x0"} | settings, name
        assert widget(at)["optimizers"][0]["name"] == name
    release(at, "gd1", beta1=0.5)
    assert controls(at)["beta1"] == 0.5 and not at.exception


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
    assert at.selectbox(key="gd1.opt").value == "adam"
    assert {k: controls(at)[k] for k in ("lr", "steps", "x0")} == {"lr": 0.02, "steps": 80, "x0": -6.0}
    release(at, "gd1", steps=120)
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
    assert {n["op"] for n in widget(at)["tree"]["nodes"]} >= {"cos", "pow", "div"}


def test_classroom_mode_sends_bigger_sizes(at):
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    small, large = widget(at), widget(big)
    assert large["classroom"] and not small["classroom"]
    assert large["sizes"]["font"] > small["sizes"]["font"]
