"""Descent on surfaces page (AppTest): the race, click-to-start via the chart's selection state, the URL."""


import numpy as np
import pytest
from apps import app_test, figure, shown, values

from explorer.figures.descent import GRID_CURVE

PAGE = "pages/descent_2d.py"
CHART = "gd2.chart"




def paths(at) -> dict[str, np.ndarray]:
    """Each racer's path on the contour map: name -> (K+1, 2)."""
    racers = ("SGD", "SGD + momentum", "Nesterov", "RMSprop", "Adagrad", "Adam")
    return {d["name"]: np.stack([values(d["x"]), values(d["y"])], 1)
            for d in figure(at)["data"] if d.get("name") in racers}


def click(x: float, y: float, curve: int = GRID_CURVE) -> dict:
    """The selection state Streamlit stores for a one-point click on the chart."""
    return {"selection": {"points": [{"curve_number": curve, "point_number": 7, "point_index": 7, "x": x, "y": y}],
                          "point_indices": [7], "box": [], "lasso": []}}


def start_text(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Start**"))


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_race_map_surface_and_losses(at):
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    racing = paths(at)
    assert set(racing) == {"SGD", "SGD + momentum", "Adam"}
    for path in racing.values():
        np.testing.assert_allclose(path[0], (-3.5, 1.0))  # one start for all
    fig = figure(at)
    grid = fig["data"][GRID_CURVE]
    assert grid["type"] == "scattergl" and grid["hoverinfo"] == "none" and grid["marker"]["opacity"] == 0
    assert len(values(grid["x"])) >= 50 * 50  # dense enough to catch a click anywhere
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert len(fig["frames"]) == 101
    assert "x = -3.500, y = 1.000" in start_text(at)


def test_a_click_on_the_grid_sets_the_start(at):
    at.session_state[CHART] = click(1.25, -2.0)
    at.run()
    assert not at.exception
    assert "x = 1.250, y = -2.000" in start_text(at)
    for path in paths(at).values():
        np.testing.assert_allclose(path[0], (1.25, -2.0))
    assert at.query_params["gd2.start"] == "1.25,-2"


def test_a_selection_on_another_curve_is_ignored(at):
    at.session_state[CHART] = click(1.25, -2.0, curve=GRID_CURVE + 2)
    at.run()
    assert "x = -3.500, y = 1.000" in start_text(at)


def test_learning_rate_changes_the_race(at):
    before = paths(at)
    at.select_slider(key="gd2.lr").set_value(0.01).run()
    after = paths(at)
    assert not at.exception
    assert not np.allclose(before["SGD"], after["SGD"])
    assert after["SGD"][1] == pytest.approx((-3.5 * (1 - 0.2 * 0.01), 1.0 * (1 - 20 * 0.01)))  # x²/10 + 10y²


def test_more_racers_and_their_settings(at):
    racers = at.button_group(key="gd2.opts")
    racers.set_value([*racers.value, "rmsprop", "nesterov"]).run()
    assert not at.exception
    assert {"RMSprop", "Nesterov"} <= set(paths(at))
    at.slider(key="gd2.alpha").set_value(0.9).run()
    assert not at.exception


def test_typed_function_of_x_and_y(at):
    at.text_input(key="gd2.expr").input("(x - 1)^2 + 2*(y + 0.5)^2 + x*y").run()
    assert not at.exception
    assert at.selectbox(key="gd2.fn").value == "custom"
    assert not at.error
    np.testing.assert_allclose(paths(at)["SGD"][-1], (10 / 7, -6 / 7), atol=1e-2)  # where the gradient is zero


def test_bad_formula_keeps_the_last_good_surface(at):
    good = paths(at)["SGD"]
    at.text_input(key="gd2.expr").input("x^2 + 20*y^2 +").run()
    assert not at.exception
    assert "last good one: f(x, y) = x^2/10 + 10*y^2." in shown(at.error[0].value)
    np.testing.assert_allclose(paths(at)["SGD"], good)


def test_divergence_is_said_in_words(at):
    at.select_slider(key="gd2.lr").set_value(0.2).run()  # > 2/20 on the steep y direction
    assert any("learning rate too large: diverged at step" in w.value for w in at.warning)


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
    assert "x = 0.500, y = -1.500" in start_text(at)
    at.slider(key="gd2.steps").set_value(40).run()
    assert at.query_params["gd2.steps"] == "40"
    assert at.query_params["gd2.start"] == "0.5,-1.5"
    assert at.query_params["gd2.opts"] == "adam,rmsprop"


def test_classroom_mode_makes_figure_type_bigger(at):
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    for i in range(3):
        small, large = figure(at, i)["layout"], figure(big, i)["layout"]
        assert large["font"]["size"] > small["font"]["size"], i
        assert large["legend"]["font"]["size"] > small["legend"]["font"]["size"], i


def test_a_link_naming_only_a_preset_opens_at_its_own_start_and_rate():
    at = app_test(PAGE)
    at.query_params["gd2.fn"] = "rosenbrock"
    at.run()
    assert "x = -1.200, y = 1.000" in start_text(at)
    assert at.select_slider(key="gd2.lr").value == pytest.approx(0.001)
    assert not at.warning  # the preset's rate does not diverge


def test_reset_wins_over_a_click_that_is_still_selected(at):
    at.session_state[CHART] = click(1.25, -2.0)
    at.run()
    at.button[0].click().run()  # "Reset the lesson"
    assert "x = -3.500, y = 1.000" in start_text(at)
    at.select_slider(key="gd2.lr").set_value(0.01).run()
    assert "x = -3.500, y = 1.000" in start_text(at)


def test_the_map_picture_follows_the_function_and_the_domain(at):
    """The picture is cached per landscape: other controls keep it, a new function or a wider domain redraws it."""
    def picture() -> dict:
        return figure(at)["layout"]["images"][0]

    first = picture()
    at.select_slider(key="gd2.lr").set_value(0.01).run()
    assert picture() == first
    at.session_state[CHART] = click(3.9, 3.9)  # a start near the edge widens the map
    at.run()
    wider = picture()
    assert wider["sizex"] > first["sizex"] and wider["source"] != first["source"]
    at.selectbox(key="gd2.fn").set_value("himmelblau").run()
    assert picture()["source"] != wider["source"]
