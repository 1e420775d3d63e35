"""Gradient tape page (AppTest): renders, steps backward, matches autograd, URL state, classroom, bad input."""

import json

import pytest
from apps import app_test, tables

from explorer.expressions import parse
from explorer.figures.tape import fmt
from explorer.tape import autograd_gradient

PAGE = "pages/gradient_tape.py"


def figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def texts(at) -> list[str]:
    return [a["text"] for a in figure(at)["layout"]["annotations"]]


def gradients_shown(at) -> list[str]:
    return [t for t in texts(at) if "∂f/∂" in t]


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_forward_pass_with_every_value(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "Gradient tape"
    shown = texts(at)
    for value in ("= 2", "= 3", "= 6", "= 0.9093", "= 6.909", "= 47.74"):  # x, y, x*y, sin x, sum, square
        assert value in shown
    assert gradients_shown(at) == []  # step 0: nothing played back yet
    captions = [h.proto.body for h in at.get("html") if "explorer-caption" in h.proto.body]
    assert len(captions) >= 3


def test_tape_and_autograd_side_by_side_are_equal(at):
    table = tables(at)[1]
    torchs = autograd_gradient(parse("(x*y + sin(x))^2"), x=2.0, y=3.0)
    assert list(table["tape"]) == list(table["torch.autograd"]) == [fmt(torchs["x"]), fmt(torchs["y"])]
    assert "agree" in next(h.proto.body for h in at.get("html") if "PyTorch" in h.proto.body)


def test_backward_steps_reveal_one_gradient_at_a_time(at):
    counts = []
    for k in range(7):
        at.slider(key="tape.step").set_value(k).run()
        counts.append(len(gradients_shown(at)))
    assert counts == [0, 1, 2, 3, 4, 5, 6]
    assert any("∂f/∂x = 35.71" in t for t in gradients_shown(at))
    step_text = [m.value for m in at.markdown]
    assert any(t.startswith("**∂f/∂x** = ∂f/∂v2 · cos x + ∂f/∂v1 · y") and t.endswith("**35.71**") for t in step_text)
    assert "x is used 2 times, so its gradient adds up every use." in step_text
    assert tables(at)[0]["gradient"][0] == "35.71"  # the tape's x row is filled in
    marks = tables(at)[0]["playback"]
    assert marks[0] == "◀ now" and marks.count("◀ now") == 1  # x was popped last: the one row marked now
    assert marks.count("done") == 5  # the five entries popped before it


def test_step_buttons_move_along_the_tape(at):
    at.button[1].click().run()  # step ▶
    at.button[1].click().run()
    assert at.slider(key="tape.step").value == 2
    at.button[0].click().run()  # ◀ back
    assert at.slider(key="tape.step").value == 1
    assert len(gradients_shown(at)) == 1


def test_x_changes_the_values(at):
    before = texts(at)
    at.number_input(key="tape.x").set_value(-1.0).run()
    assert not at.exception
    assert texts(at) != before and "= −1" in texts(at)


def test_preset_replaces_the_formula_and_rewinds(at):
    at.slider(key="tape.step").set_value(4).run()
    at.selectbox(key="tape._preset").set_value("x^2 + y^2").run()
    assert at.text_input(key="tape.f").value == "x^2 + y^2"
    assert at.slider(key="tape.step").value == 0
    assert at.query_params["tape.f"] == "x^2 + y^2"


def test_bad_formula_shows_error_and_keeps_last_good(at):
    at.text_input(key="tape.f").set_value("x^2 + y^2").run()
    good = texts(at)
    at.text_input(key="tape.f").set_value("sin(x").run()
    assert not at.exception
    assert "never closed" in at.error[0].value
    assert texts(at) == good  # the graph still shows x^2 + y^2


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["tape.f"] = "x*y"
    at.query_params["tape.x"] = "1.5"
    at.query_params["tape.step"] = "2"
    at.run()
    assert not at.exception
    assert at.text_input(key="tape.f").value == "x*y"
    assert at.number_input(key="tape.x").value == 1.5
    assert at.slider(key="tape.step").value == 2
    assert len(gradients_shown(at)) == 2
    at.number_input(key="tape.y").set_value(-2.0).run()
    assert at.query_params["tape.y"] == "-2"
    assert at.query_params["tape.f"] == "x*y"


def test_classroom_mode_makes_figure_text_bigger(at):
    normal = figure(at)["layout"]
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    large = figure(big.run())["layout"]
    assert large["font"]["size"] > normal["font"]["size"]
    assert min(a["font"]["size"] for a in large["annotations"]) >= 18 > min(a["font"]["size"] for a in normal["annotations"])
    assert large["height"] > normal["height"]
