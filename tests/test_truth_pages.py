"""The pages say only what is true: notes that follow the run, messages as typed, honest values, views
that follow the walk, and the small slips (AppTest, real torch and streamlit)."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from apps import app_test, release, said, shown, widget
from widget_words import written

from explorer.surfaces import CURVES, SURFACES

D1, D2 = "pages/descent_1d.py", "pages/descent_2d.py"


def opened(page: str, query: dict | None = None, **state):
    at = app_test(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def lesson(at) -> str:
    """The lesson the descent widget shows, or "" when it shows none (tests/widget_words.py)."""
    return written(at).note


def link(at) -> dict:
    """The query of the page's "copy link to this view" box (opened first: it is made only when open)."""
    if not at.get("code"):
        for prefix in ("gd1", "gd2", "fit"):  # the descent pages' own
            at.session_state[f"_share.{prefix}.open"] = True
        at.run()
    return dict(parse_qsl(urlsplit(at.get("code")[-1].value).query))


def picture(at) -> dict:
    """What the page sent the live descent widget, its asset by id (a rerun sends only the id of one it holds)."""
    data = widget(at)
    return data | {"asset": data.get("asset", {}).get("id")}


def controls(at) -> dict:
    """The values the page sent the live descent widget's controls."""
    return {name: spec["value"] for name, spec in widget(at)["controls"].items()}


# --- 1. notes chosen from what the run did -------------------------------------------------------

def test_bowl_note_follows_the_run_settled_bouncing_diverged():
    at = opened(D1)
    assert "the walk settles" in lesson(at) and "the walk settled in the minimum" in written(at).text
    release(at, "gd1", lr=1.0)  # x → −x: bounces between ±2.5 for ever
    assert "settles" not in lesson(at) and not lesson(at)
    assert "bounces between x = 2.5 and x = −2.5" in written(at).text or \
        "bounces between x = −2.5 and x = 2.5" in written(at).text
    release(at, "gd1", lr=10.0)
    assert "The run stopped. Learning rate too large: diverged at step" in written(at).text
    assert not lesson(at) and "settle" not in said(at) + written(at).text


@pytest.mark.parametrize("key", list(CURVES))
def test_each_curve_shows_its_lesson_at_its_own_settings(key):
    at = opened(D1)
    at.selectbox(key="gd1.fn").set_value(key).run()
    assert lesson(at) == CURVES[key].note
    assert controls(at)["steps"] == CURVES[key].steps and controls(at)["lr"] == CURVES[key].lr


@pytest.mark.parametrize("key", list(SURFACES))
def test_each_surface_shows_its_lesson_with_its_own_racers_and_steps(key):
    at = opened(D2)
    at.selectbox(key="gd2.fn").set_value(key).run()
    s = SURFACES[key]
    assert lesson(at) == s.note
    assert at.button_group(key="gd2.opts").value == list(s.racers) and controls(at)["steps"] == s.steps


def test_long_valley_race_is_won_by_momentum_and_adam_and_the_note_goes_when_it_stops_being_true():
    at = opened(D2)
    standings = written(at).standings
    assert re.search(r"(Adam and SGD \+ momentum|SGD \+ momentum and Adam) tie for the lowest", standings)
    assert re.search(r"SGD: f = [\d.]+, about 10⁵× higher", standings)
    at.button_group(key="gd2.opts").set_value(["sgd"]).run()  # the note talks about momentum and Adam
    assert not lesson(at) and "lesson is about its own run" in written(at).elsewhere
    next(b for b in at.button if b.label == "Reset the lesson").click().run()
    assert lesson(at) == SURFACES["elongated"].note


def test_beale_note_stands_beside_its_own_divergence_warning():
    at = opened(D2, {"gd2.fn": "beale"})
    assert "plain SGD is thrown off the first wall and diverges" in lesson(at)
    assert "SGD stopped. Learning rate too large: diverged at step" in written(at).text


# --- 2. messages in the student's notation, as plain text ---------------------------------------

@pytest.mark.parametrize("typed, says", [
    ("2x", "write 2*x"), ("x^", "missing after '^' at column 2"), ("3(x+1)", "write 3*(x+1)"),
    ("x^^2", "two operators in a row, '^^', at column 2"), ("sinx", "write sin(x)"), ("x y", "write x*y"),
])
def test_formula_messages_are_plain_text_in_typed_notation(typed, says):
    at = opened(D1)
    at.text_input(key="gd1.expr").input(typed).run()
    body = at.error[0].value
    assert says in shown(body)
    assert "*" not in body.replace("\\*", "")  # every * is escaped: Markdown cannot turn it into italics
    if typed == "x^":
        assert "'*'" not in shown(body)  # no * was typed, so the message does not mention one


def test_the_page_states_the_formula_it_really_draws():
    at = opened(D2)
    at.text_input(key="gd2.expr").input("x^2 + 20*y^2 +").run()
    assert "The page still draws the last good one: f(x, y) = x^2/10 + 10*y^2." in shown(at.error[0].value)
    at.text_input(key="gd2.expr").input("-x^2 + y^2").run()  # read as -(x^2): say so
    assert "Read as f(x, y) = -(x^2) + y^2" in said(at, ["caption"])
    at.text_input(key="gd2.expr").input("x^2+ y^2 +").run()
    assert "last good one: f(x, y) = -(x^2) + y^2 (typed as -x^2 + y^2)." in shown(at.error[0].value)


def test_the_empty_formula_message_fits_the_curve_page():
    at = opened(D1)
    at.text_input(key="gd1.expr").input("").run()
    message = shown(at.error[0].value)
    assert "the formula is empty" in message and "(and y)" not in message and "of x and y" not in message


# --- 3. honest values ---------------------------------------------------------------------------

def test_widget_and_link_share_one_range():
    at = opened(D1)
    assert widget(at)["controls"]["steps"]["range"][:2] == [1, 500]
    lo, hi, _ = widget(at)["controls"]["x0"]["range"]
    assert lo <= -3 and hi >= 3  # the curve's own domain at least
    far = opened(D1, {"gd1.x0": "1000"})
    assert widget(far)["controls"]["x0"]["range"][1] == 1000.0  # the link's far start is on the slider and the view
    assert max(widget(far)["asset"]["body"]["x"]) >= 1000.0


@pytest.mark.parametrize("key, text, says", [
    ("gd1.steps", "-5", "is outside the allowed range 1 to 500, so the page uses 1"),
    ("gd1.lr", "abc", "is not a number, so the page uses the default, 0.1"),
    ("gd1.x0", "1e309", "is not a finite number, so the page uses the default, 2.5"),
    ("gd1.x0", "5000", "is outside the allowed range -1000 to 1000, so the page uses 1000"),
    ("gd1.lr", "0.123", "is not one of the allowed values, so the page uses the nearest, 0.1"),
])
def test_a_bad_link_value_is_named_on_the_page(key, text, says):
    at = opened(D1, {key: text})
    notice = said(at, ["warning"])
    assert f"({key}={text}) {says}" in notice
    at.run()  # the notice stays while the value does
    assert says in said(at, ["warning"])


def test_a_start_with_three_numbers_gets_one_clear_message():
    at = opened(D2, {"gd2.start": "1,2,3"})
    assert not at.error
    assert "(gd2.start=1,2,3) has 3 numbers where 2 are needed" in said(at, ["warning"])
    assert widget(at)["start"] == [-3.5, 1.0]


def test_a_nan_in_the_latent_link_is_named():
    at = opened("pages/latent.py", {"latent.z1": "nan"})
    assert "(latent.z1=nan) is not a finite number, so the page uses the default, 0" in said(at, ["warning"])


def test_a_copied_link_opens_the_same_picture():
    at = opened(D1)
    release(at, "gd1", x0=123.4567, lr=0.002)
    again = opened(D1, link(at))
    assert link(again) == link(at)  # which opens its link box too: both pages show the same text
    assert picture(again) == picture(at) and not again.warning and said(again) == said(at)
    two = opened(D2)
    release(two, "gd2", start=(1.2345, -0.5), steps=40)
    again = opened(D2, link(two))
    assert link(again) == link(two)
    assert picture(again) == picture(two) and said(again) == said(two)


def test_a_link_with_a_bad_formula_opens_the_drawn_one():
    at = opened(D1)
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(x)").run()
    at.text_input(key="gd1.expr").input("x^2 + 3*sin(").run()
    again = opened(D1, link(at))
    assert picture(again) == picture(at)


def test_classroom_mode_is_not_in_a_shared_link_unless_asked_for():
    at = opened(D1, classroom=True)
    assert "classroom" not in link(at) and "classroom" not in at.query_params
    at.checkbox(key="_share.gd1.classroom").check().run()
    assert link(at)["classroom"] == "1"


# --- 4. views that follow the run ---------------------------------------------------------------

def test_an_explosive_first_step_is_warned_about():
    at = opened(D1)
    at.selectbox(key="gd1.fn").set_value("custom").run()
    at.text_input(key="gd1.expr").input("exp(exp(x))").run()
    warning = " ".join(written(at).warnings)
    assert "The first step jumped" in warning and "the width of the usual view" in warning


# --- 5. slips ----------------------------------------------------------------------------------

def test_one_step_is_one_step():
    at = opened(D1, **{"gd1.steps": 1})
    text = said(at) + written(at).text
    assert "1 steps" not in text and "After 1 step" in text


def test_divergence_step_and_readout_agree():
    at = opened(D1, **{"gd1.lr": 2.0})
    text = written(at).text
    step = int(re.search(r"diverged at step (\d+)", text).group(1))
    assert f"the {step - 1} steps before it are shown" in text
    assert f"after {step - 1} steps; the loss rose" in written(at).said


def test_the_caption_names_the_colours_the_curve_figure_uses():
    at = opened(D1)
    text = said(at, ["html"])
    assert "red tangent" not in text
    palette = widget(at)["palette"]  # the widget draws the tangent in palette[5] and the steps in palette[1]
    from explorer.figures.style import COLOUR_NAMES  # here, so the other tests run on code without the table
    assert f"the {COLOUR_NAMES[palette[5]]} tangent" in text and f"steps so far in {COLOUR_NAMES[palette[1]]}" in text


def test_a_link_that_cannot_carry_a_drawn_digit_says_so():
    at = opened("pages/restore.py", **{"_share.restore.open": True})
    assert "not in the link" not in said(at, ["caption"])
    at.radio(key="restore.source").set_value("draw").run()
    assert "Your drawn or uploaded digit is not in the link" in said(at, ["caption"])
