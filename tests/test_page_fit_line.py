"""Fit-a-line page (AppTest): renders, learns w≈1.8 and b≈32, reacts to its controls, round-trips the URL."""

import re

import pytest
from apps import app_test, figure, values

PAGE = "pages/fit_line.py"




def learned(at) -> tuple[float, float]:
    """The (w, b) the page prints as learned."""
    text = next(m.value for m in at.markdown if m.value.startswith("**Learned**"))
    w, b = re.search(r"w = \*\*([-\d.e+]+)\*\*, b = \*\*([-\d.e+]+)\*\*", text).groups()
    return float(w), float(b)


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_renders_and_learns_the_rule(at):
    assert not at.exception
    assert at.title[0].value == "Fit a line"
    w, b = learned(at)
    assert w == pytest.approx(1.8, abs=0.1) and b == pytest.approx(32, abs=1.5)
    fig = figure(at)
    names = {d.get("name") for d in fig["data"]}
    assert {"measurements", "true F = 1.8·C + 32", "neuron y = w·C + b", "path of (w, b)", "lowest loss"} <= names
    assert len(fig["frames"]) == 61
    path = next(d for d in fig["data"] if d.get("name") == "path of (w, b)")
    assert values(path["x"])[0] == 0 and values(path["y"])[0] == 0  # starts from the flat line y = 0
    assert fig["layout"]["images"][0]["xref"] == "x2"  # the loss map sits under the right subplot


def test_learning_rate_changes_the_training(at):
    before = learned(at)
    at.select_slider(key="fit.lr").set_value(0.01).run()
    assert not at.exception
    after = learned(at)
    assert after != before
    # standardised input: the loss is 2·|error|² in both weights, so each step shrinks the error by (1 − 2η)
    assert after == pytest.approx((before[0] * (1 - 0.98 ** 60), before[1] * (1 - 0.98 ** 60)), rel=2e-3)


def test_raw_celsius_with_the_same_rate_diverges_and_says_why(at):
    at.toggle(key="fit.scale").set_value(False).run()
    assert not at.exception
    assert any("diverged at step" in w.value and "feature scaling" in w.value for w in at.warning)


def test_optimizer_choice_and_settings(at):
    at.selectbox(key="fit.opt").set_value("adam").run()
    at.slider(key="fit.beta1").set_value(0.5).run()
    assert not at.exception
    assert learned(at) != pytest.approx((1.834, 31.67), abs=1e-3)


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["fit.lr"] = "0.3"
    at.query_params["fit.steps"] = "25"
    at.query_params["fit.opt"] = "momentum"
    at.run()
    assert not at.exception
    assert at.select_slider(key="fit.lr").value == pytest.approx(0.3)
    assert at.slider(key="fit.steps").value == 25
    assert at.selectbox(key="fit.opt").value == "momentum"
    at.toggle(key="fit.scale").set_value(False).run()
    assert at.query_params["fit.scale"] == "0"
    assert at.query_params["fit.steps"] == "25"


def test_classroom_mode_makes_figure_type_bigger(at):
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    for i in range(2):
        small, large = figure(at, i)["layout"], figure(big, i)["layout"]
        assert large["font"]["size"] > small["font"]["size"]
        assert large["yaxis"]["tickfont"]["size"] > small["yaxis"]["tickfont"]["size"]


def test_the_loss_map_follows_the_training_window(at):
    """The loss picture is cached per (w, b) window: whatever the settings, it spans the right panel's axes."""
    def picture() -> dict:
        layout = figure(at)["layout"]
        image, (w_lo, w_hi), (b_lo, b_hi) = layout["images"][0], layout["xaxis2"]["range"], layout["yaxis2"]["range"]
        assert (image["x"], image["x"] + image["sizex"]) == pytest.approx((w_lo, w_hi))
        assert (image["y"] - image["sizey"], image["y"]) == pytest.approx((b_lo, b_hi))
        return image

    first = picture()
    at.toggle(key="fit.scale").set_value(False).run()  # raw °C diverges: a wider window, another picture
    assert picture()["source"] != first["source"]
    at.toggle(key="fit.scale").set_value(True).run()
    assert picture() == first
