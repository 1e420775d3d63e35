"""Logits → softmax page (AppTest): what it sends the live widget, a release through the widget's real trigger,
torch's numbers and words after it, the classifier's logits, URL state, classroom; and how a release is checked.

The bars and sliders are the live softmax widget: these tests read the data the page sends it and the metrics
and sentences the page writes with torch. The widget's drawing, its arithmetic against torch and a real drag are
tested in Chromium (tests/e2e/test_live_softmax_e2e.py).
"""

import math

import pytest
import torch
from apps import app_test, said, widget

from explorer import softmax as sm
from explorer import zoo
from explorer.bench.apptest import with_trigger
from explorer.data import digits
from explorer.figures import words
from explorer.figures.style import CLASSROOM, NORMAL
from explorer.ui.widgets.live_softmax import _accept

PAGE, WIDGET = "pages/softmax.py", "softmax.live"
DEFAULT = [1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5]


def sent(at) -> dict:
    """The values the page sent the widget: T, true and z0 … z9."""
    data = widget(at)
    return {name: spec["value"] for name, spec in data["controls"].items()} | {"true": data["true"]["value"]}


def logits(at) -> list[float]:
    return [sent(at)[f"z{k}"] for k in range(10)]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def release(at, **moved):
    """What the browser sends when a slider is let go: every value, ``moved`` changed, as the "release" trigger."""
    return at._run(with_trigger(at, WIDGET, "release", sent(at) | moved))


def expected(z: list[float], T: float, true: int) -> dict:
    """torch's numbers and the words the page should show for these values."""
    zt = torch.tensor(z, dtype=torch.float64)
    p, loss = sm.softmax(zt, T), float(sm.cross_entropy(zt, true, T))
    return {"loss": f"{loss:.3f}", "p": f"{float(p[true]):.3f}",
            "probs": words.softmax_bars(z, p.tolist(), T, true), "grad": words.gradient_bars(
                sm.cross_entropy_grad(zt, true, T).tolist(), true, loss)}


@pytest.fixture
def at():
    return app_test(PAGE).run()


def test_sends_the_widget_its_values_ranges_and_words_and_shows_torchs_numbers(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "Logits → softmax"
    assert not at.get("plotly_chart")  # the bars are drawn in the browser: the server builds no figure for them
    data = widget(at)
    assert data["target"] == WIDGET and logits(at) == DEFAULT and sent(at)["T"] == 1.0 and sent(at)["true"] == 7
    assert data["controls"]["T"]["range"] == [0.1, 5.0, 0.1] and data["controls"]["T"]["label"] == "Temperature T"
    assert all(data["controls"][f"z{k}"]["range"] == [-20.0, 20.0, 0.1] for k in range(10))
    assert data["true"]["choices"] == list(range(10)) and data["true"]["label"] == "True class"
    want = expected(DEFAULT, 1.0, 7)
    assert data["words"] == {"probs": list(want["probs"]), "grad": list(want["grad"])}
    assert data["words"]["probs"][0].startswith("Bar charts: ten logits")
    assert data["words"]["grad"][0].startswith("Bar chart: the cross-entropy gradient")
    assert metrics(at) == {"CE loss": f"{-math.log(torch.softmax(torch.tensor(DEFAULT), -1)[7]):.3f}", "p(7)": want["p"]}
    text = said(at)
    assert want["probs"][1] in text and want["grad"][1] in text  # the "In words" lines under the widget


def test_a_release_writes_the_values_and_torchs_numbers_words_and_link_follow(at):
    release(at, z2=8.0, T=5.0)
    assert not at.exception
    assert at.session_state["softmax.z2"] == 8.0 and at.session_state["softmax.T"] == 5.0
    z = DEFAULT.copy()
    z[2] = 8.0
    assert logits(at) == z and sent(at)["T"] == 5.0  # the next run sends the widget what it released
    want = expected(z, 5.0, 7)
    assert metrics(at) == {"CE loss": want["loss"], "p(7)": want["p"]}
    assert want["probs"][1] in said(at) and want["grad"][1] in said(at)
    assert widget(at)["words"]["probs"][0].endswith("T = 5")
    assert at.query_params["softmax.z2"] == "8" and at.query_params["softmax.T"] == "5"


def test_a_new_true_class_changes_the_loss_and_the_gradient(at):
    release(at, true=6)
    want = expected(DEFAULT, 1.0, 6)
    assert at.session_state["softmax.true"] == 6 and sent(at)["true"] == 6
    assert metrics(at) == {"CE loss": want["loss"], "p(6)": want["p"]}
    assert "the true class 6 has gradient −" in said(at)


def test_a_malformed_release_touches_nothing_it_cannot_use(at):
    release(at, T="hot", true=12, z1=float("nan"), z2=99.0, z3=1.04, z4=None, z5=True, extra=1)
    assert not at.exception
    z = DEFAULT.copy()
    z[2], z[3] = 20.0, 1.0  # clamped to the slider's end; snapped to its step
    assert logits(at) == z and sent(at)["T"] == 1.0 and sent(at)["true"] == 7
    assert metrics(at)["CE loss"] == expected(z, 1.0, 7)["loss"]


def test_accept_snaps_and_clamps_numbers_and_takes_only_a_class_for_the_true_class():
    assert _accept({"T": 0.04, "z0": -25.0, "z1": 3.14159, "z9": 19.96, "true": 3}) == \
        {"T": 0.1, "z0": -20.0, "z1": 3.1, "z9": 20.0, "true": 3}
    assert _accept({"T": 7, "z4": 2, "true": 4.0}) == {"T": 5.0, "z4": 2.0, "true": 4}
    out = _accept({"T": 2.26, "z5": -0.04})
    assert out == {"T": 2.3, "z5": 0.0} and math.copysign(1.0, out["z5"]) == 1.0  # no "-0" in a link
    assert all(type(v) is float for v in _accept({"T": 1, "z0": 1}).values()) and type(_accept({"true": 2.0})["true"]) is int


@pytest.mark.parametrize("raw", [
    None, "release", [], 3, {}, {"T": "1.5"}, {"T": float("nan")}, {"T": float("inf")}, {"z0": -math.inf},
    {"z0": True}, {"z0": [1.0]}, {"true": 10}, {"true": -1}, {"true": 2.5}, {"true": True}, {"true": "3"},
    {"z10": 1.0, "t": 1.0, "softmax.T": 2.0},
])
def test_accept_leaves_out_anything_malformed(raw):
    assert _accept(raw) == {}


def test_every_accepted_number_lies_on_its_slider():
    import random

    rng = random.Random(3)
    for _ in range(500):
        raw = {"T": rng.uniform(-10, 10), **{f"z{k}": rng.uniform(-1e3, 1e3) * rng.random() ** 3 for k in range(10)}}
        for name, v in _accept(raw).items():
            lo, hi = (0.1, 5.0) if name == "T" else (-20.0, 20.0)
            assert lo <= v <= hi and v == round(v, 1) and abs(v * 10 - round(v * 10)) < 1e-9, (name, v)


def test_the_classifier_box_is_made_once_opened_and_a_link_to_a_digit_opens_it(at):
    assert not at.number_input  # closed: the digit, its logits and its card are not made on a rerun
    linked = app_test(PAGE)
    linked.query_params["softmax.digit"] = "250"
    assert linked.run().number_input(key="softmax.digit").value == 250


def test_digit_logits_button_loads_the_classifier_logits_into_the_widget(at):
    assert zoo.verify("classifier") is None, "the shipped classifier checkpoint should load"
    at.session_state["_softmax.real"] = True
    at.run().number_input(key="softmax.digit").set_value(250).run()
    images, labels = digits("mnist-5k", "test")
    with torch.inference_mode():
        want = zoo.load("classifier")(images[250:251])[0]
    at.button[0].click().run()
    assert not at.exception
    assert logits(at) == pytest.approx(want.clamp(-20, 20).tolist(), abs=0.051)  # rounded to the slider step
    assert logits(at) == [at.session_state[f"softmax.z{k}"] for k in range(10)]
    assert sent(at)["true"] == int(labels[250])
    assert metrics(at)["CE loss"] == expected(logits(at), 1.0, int(labels[250]))["loss"]


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params["softmax.z3"] = "4.5"
    at.query_params["softmax.T"] = "2"
    at.query_params["softmax.true"] = "3"
    at.run()
    assert not at.exception
    assert sent(at)["z3"] == 4.5 and sent(at)["T"] == 2.0 and sent(at)["true"] == 3
    release(at, z0=-3.0)
    assert at.query_params["softmax.z0"] == "-3"
    assert at.query_params["softmax.z3"] == "4.5"


def test_bad_link_values_are_ignored_or_clipped():
    at = app_test(PAGE)
    at.query_params["softmax.T"] = "0"
    at.query_params["softmax.true"] = "12"
    at.run()
    assert not at.exception
    assert sent(at)["T"] == pytest.approx(0.1)  # clipped into range
    assert sent(at)["true"] == 7  # not a class: the default stays
    assert "is outside the allowed range" in said(at)  # and the page says so


def test_classroom_mode_sends_bigger_sizes(at):
    normal = widget(at)["look"]
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    large = widget(big.run())["look"]
    assert normal["sizes"] == NORMAL and large["sizes"] == CLASSROOM
    assert large["label_size"] > normal["label_size"] and large["true_width"] > normal["true_width"]
    assert large["height"] > normal["height"]


def test_the_widget_evaluates_nothing_and_builds_its_page_from_data():
    """What the browser runs: the widget's own files, no eval, no Function constructor, no HTML parsed from data."""
    from explorer import ROOT

    for name in ("live_softmax_math.js", "live_softmax_draw.js", "widget_mount.js", "live_softmax.js"):
        code = (ROOT / "explorer/ui/widgets" / name).read_text(encoding="utf-8")
        for banned in ("eval(", "Function(", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "import("):
            assert banned not in code, (name, banned)
