"""Descent on surfaces page (AppTest): the race, the start, the racers' settings, the URL.

The map is the live descent widget: these tests read what the page sends it (controls, racers, start,
the contour picture) and what the widget writes from it (tests/widget_words.py). Dragging and clicking the
start, the race drawn in the browser and its sentences are tested in Chromium (tests/e2e).
"""

import pytest
from apps import app_test, release, said, shown, widget
from widget_words import written

from explorer.figures.words import point

PAGE = "pages/descent_2d.py"


@pytest.fixture
def at():
    return app_test(PAGE).run()


def controls(at) -> dict:
    return {name: spec["value"] for name, spec in widget(at)["controls"].items()}


def racers(at) -> list[str]:
    return [o["name"] for o in widget(at)["optimizers"]]


def ends(at, label: str) -> str:
    """Where the widget's "In words" line says ``label`` ended."""
    return written(at).said.split(f"{label} ends at ")[1].split(" with")[0]


def test_renders_the_live_race_and_what_it_says(at):
    assert not at.exception
    data = widget(at)
    assert data["mode"] == "surface" and racers(at) == ["sgd", "momentum", "adam"]
    assert data["start"] == [-3.5, 1.0] and data["tree"]["variables"] == ["x", "y"]
    assert data["asset"]["body"]["picture"].startswith("data:image/png;base64,")
    assert controls(at)["lr"] == 0.095 and controls(at)["momentum"] == 0.7
    assert data["span"] == 8.0 and data["lesson"]["note"].startswith("Steep across, flat along")
    text = written(at).text
    assert "SGD + momentum (100 steps) settled in the minimum" in text
    assert "Adam" in text and "Lowest loss" in text


def test_a_released_start_moves_every_racer(at):
    release(at, "gd2", start=(1.25, -2.0), steps=1)
    assert not at.exception
    assert widget(at)["start"] == [1.25, -2.0]
    assert at.query_params["gd2.start"] == "1.25,-2"
    # x²/10 + 10y², SGD at η = 0.095: x ← x(1 − 0.2η), y ← y(1 − 20η)
    assert ends(at, "SGD") == point((1.25 * (1 - 0.2 * 0.095), -2.0 * (1 - 20 * 0.095)), 3)


def test_a_released_learning_rate_changes_the_race(at):
    release(at, "gd2", lr=0.01, steps=1)
    assert not at.exception
    assert ends(at, "SGD") == point((-3.5 * (1 - 0.2 * 0.01), 1.0 * (1 - 20 * 0.01)), 3)


def test_more_racers_and_their_settings(at):
    group = at.button_group(key="gd2.opts")
    group.set_value([*group.value, "rmsprop", "nesterov"]).run()
    assert not at.exception
    assert {"rmsprop", "nesterov"} <= set(racers(at))
    assert {"alpha", "eps"} <= set(controls(at))
    release(at, "gd2", alpha=0.9)
    assert controls(at)["alpha"] == 0.9 and not at.exception


def test_no_racer_says_so(at):
    at.button_group(key="gd2.opts").set_value([]).run()
    assert not at.exception
    assert "Pick at least one optimizer to race." in said(at)


def test_typed_function_of_x_and_y(at):
    at.text_input(key="gd2.expr").input("(x - 1)^2 + 2*(y + 0.5)^2 + x*y").run()
    assert not at.exception
    assert at.selectbox(key="gd2.fn").value == "custom"
    assert not at.error
    x, y = (float(v.replace("−", "-")) for v in ends(at, "SGD").strip("()").split(", "))
    assert (x, y) == pytest.approx((10 / 7, -6 / 7), abs=1e-2)  # where the gradient is zero


def test_bad_formula_keeps_the_last_good_surface(at):
    good = widget(at)["tree"]
    at.text_input(key="gd2.expr").input("x^2 + 20*y^2 +").run()
    assert not at.exception
    assert "last good one: f(x, y) = x^2/10 + 10*y^2." in shown(at.error[0].value)
    assert widget(at)["tree"] == good


def test_divergence_is_said_in_words(at):
    release(at, "gd2", lr=0.2)  # > 2/20 on the steep y direction
    assert "stopped. Learning rate too large: diverged at step" in written(at).text


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["gd2.fn"] = "himmelblau"
    at.query_params["gd2.start"] = "0.5,-1.5"
    at.query_params["gd2.opts"] = "adam,rmsprop"
    at.query_params["gd2.lr"] = "0.05"
    at.run()
    assert not at.exception
    assert at.selectbox(key="gd2.fn").value == "himmelblau"
    assert at.button_group(key="gd2.opts").value == ["adam", "rmsprop"]
    assert widget(at)["start"] == [0.5, -1.5] and controls(at)["lr"] == 0.05
    release(at, "gd2", steps=40)
    assert at.query_params["gd2.steps"] == "40"
    assert at.query_params["gd2.start"] == "0.5,-1.5"
    assert at.query_params["gd2.opts"] == "adam,rmsprop"


def test_the_3d_view_costs_the_server_nothing():
    """The 3-D view is the widget's own folded box, drawn in the browser from the runs it makes: the page sends no
    surface figure and has no server-side box to open (its expander and its torch.optim race are gone)."""
    at = app_test(PAGE).run()
    assert not at.get("plotly_chart") and not [e for e in at.expander if "3-D" in e.label]
    assert "_gd2.surface3d" not in at.session_state


def test_classroom_mode_sends_bigger_sizes():
    small, big = app_test(PAGE), app_test(PAGE)
    big.session_state["classroom"] = True
    for at in (small, big):
        at.run()
    assert widget(big)["sizes"]["font"] > widget(small)["sizes"]["font"]


def test_a_link_naming_only_a_preset_opens_at_its_own_start_and_rate():
    at = app_test(PAGE)
    at.query_params["gd2.fn"] = "rosenbrock"
    at.run()
    assert widget(at)["start"] == [-1.2, 1.0]
    assert controls(at)["lr"] == pytest.approx(0.001)
    assert "diverged" not in said(at)  # the preset's rate does not diverge


def test_reset_brings_back_the_lessons_run(at):
    release(at, "gd2", start=(1.25, -2.0), lr=0.01)
    at.button[0].click().run()  # "Reset the lesson"
    assert widget(at)["start"] == [-3.5, 1.0] and controls(at)["lr"] == 0.095


def test_the_map_picture_is_sent_once_per_landscape(at):
    """Other controls keep the picture (only its id is resent); a start near the edge or a new function redraws it."""
    first = widget(at)["asset"]
    release(at, "gd2", lr=0.01)
    assert widget(at)["asset"] == {"id": first["id"]}
    release(at, "gd2", start=(3.9, 3.9))  # a start near the edge widens the map
    wider = widget(at)["asset"]
    assert wider["id"] != first["id"] and wider["body"]["picture"] != first["body"]["picture"]
    at.selectbox(key="gd2.fn").set_value("himmelblau").run()
    assert widget(at)["asset"]["body"]["picture"] != wider["body"]["picture"]


def test_a_start_beyond_the_map_widens_it_to_whole_units_that_nearby_starts_share(at):
    release(at, "gd2", start=(4.3, -2.2))
    assert not at.exception
    wide = widget(at)["domain"]
    assert wide == [[-4.0, 5.0], [-3.0, 2.0]]  # the preset's x ∈ [-4, 4], y ∈ [-2, 2], out to the start ± 0.5
    picture = widget(at)["asset"]["id"]
    release(at, "gd2", start=(4.4, -2.4))
    assert widget(at)["domain"] == wide and widget(at)["asset"] == {"id": picture}  # the browser's map, not sent again
    release(at, "gd2", start=(4.6, -2.4))
    assert widget(at)["domain"] == [[-4.0, 6.0], [-3.0, 2.0]]
