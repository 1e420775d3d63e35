"""Figures in words: the sentences carry the numbers the figures draw, computed from the same data."""

import json

import numpy as np
import torch
from streamlit.testing.v1 import AppTest

from explorer import softmax as sm
from explorer.bench.apptest import with_trigger
from explorer.expressions import parse
from explorer.figures import words
from explorer.restoration import Curve, Denoising, Inpainting
from explorer.tape import record
from explorer.ui.describe import key_class


def test_numbers_and_points_print_like_the_figures():
    assert words.num(-0.000012345) == "−1.234e−05" and words.num(6.25) == "6.25"
    assert words.point((0.4, -1.2)) == "(0.40, −1.20)"
    assert words.decoded_digit((0.4, -1.2)) == "Digit decoded from z = (0.40, −1.20)"


def test_tape_graph_follows_the_playback():
    tape = record(parse("x*y + sin(x)"), x=2.0, y=3.0)
    name, before = words.tape_graph(tape, "x*y + sin(x)", 0)
    assert name == "Computation graph of f = x*y + sin(x)"
    f = 2 * 3 + np.sin(2)
    assert f"f = {words.num(f)}" in before and "x = 2, y = 3" in before and f"{len(tape.steps)} to go" in before
    _, after = words.tape_graph(tape, "x*y + sin(x)", len(tape.steps))
    last = tape.steps[-1]
    assert f"popped {tape.names[last.node]} with ∂f/∂{tape.names[last.node]} = {words.num(last.grad)}" in after
    assert words.num(last.grad) in (words.num(3 + np.cos(2)), words.num(2.0))  # ∂f/∂x or ∂f/∂y


def test_softmax_sentences_name_the_winner_and_the_true_class():
    logits = torch.tensor([1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5], dtype=torch.float64)
    probs = sm.softmax(logits, 1.0)
    name, text = words.softmax_bars(logits.tolist(), probs.tolist(), 1.0, true_class=3)
    assert "T = 1" in name
    assert "from −2 (class 6) to 3 (class 7)" in text
    assert f"class 7 the largest probability, {float(probs[7]):.2f}" in text and f"class 3 gets {float(probs[3]):.2f}" in text
    grad = sm.cross_entropy_grad(logits, 3, 1.0)
    loss = float(sm.cross_entropy(logits, 3, 1.0))
    _, text = words.gradient_bars(grad.tolist(), 3, loss)
    assert f"class 3 has gradient {words.num(float(grad[3]), 3)}" in text and float(grad[3]) < 0
    assert f"class 7 at +{words.num(float(grad[7]), 3)}" in text and f"loss is {words.num(loss, 3)}" in text


def test_psnr_curve_reads_the_curves_at_the_slider():
    levels = np.array([0.1, 0.5, 1.0])
    curve = Curve("gaussian", levels, np.array([20.0, 10.0, 5.0]), np.array([25.0, 20.0, 12.0]),
                  np.array([22.0, 15.0, 8.0]), ("a", "b", "c"))
    _, text = words.psnr_curve(curve, 0.3, "Gaussian noise σ")
    assert "network scores 22.5 dB, the best classical filter 18.5 dB and the noisy input 15.0 dB" in text
    assert "4.0 dB ahead of the filter" in text
    _, text = words.psnr_curve(curve, 0.0, "Gaussian noise σ")  # before the first noisy level
    assert "falls from 25.0 to 12.0 dB" in text


def test_image_alt_texts_carry_scores():
    x = torch.zeros(1, 1, 28, 28)
    out = x.clone()
    out[0, 0, 0, :4] = 0.5
    r = Denoising(x, x, out, x, "median 3×3", 9.21, 20.46, 13.6)
    alts = words.denoise_images(r, "test digit 5 #0", "Gaussian noise at 0.50")
    assert alts[1] == "Test digit 5 #0 with Gaussian noise at 0.50, PSNR 9.21 dB"
    assert "PSNR 20.5 dB" in alts[2] and "largest 0.50" in alts[3] and f"{2 / 784:.3f}" in alts[3]
    mask = torch.ones(1, 1, 28, 28)
    mask[0, 0, :2, :3] = 0
    alts = words.inpaint_images(Inpainting(x, mask, x, x, x, 0.01234, 0.2), "your digit")
    assert alts[0] == "Your digit with 6 of 784 pixels hidden, shown blue" and "hole MSE 0.0123" in alts[1]


def test_key_class_is_streamlits():
    assert key_class("tape.graph") == "st-key-tape-graph" and key_class(" a b/c_d-e ") == "st-key-a-b-c_d-e"


def test_describe_shows_the_line_escaped_and_names_the_chart():
    def page():
        import streamlit as st

        from explorer.ui.describe import describe

        st.plotly_chart({"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}, key="k.chart")
        describe("k.chart", "Chart of <x>", "f = <b>1</b> & more")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    body = " ".join(h.proto.body for h in at.get("html"))
    assert 'id="describe-k-chart"' in body and "f = &lt;b&gt;1&lt;/b&gt; &amp; more" in body


def lines(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="explorer-describe"')]


def test_softmax_page_describes_both_charts_and_follows_the_temperature():
    at = AppTest.from_file("../pages/softmax.py", default_timeout=120).run()
    assert not at.exception and len(lines(at)) == 2
    before = lines(at)
    (live,) = at.get("bidi_component")  # the live softmax widget: its release sets the temperature
    data = json.loads(live.proto.json)
    released = {n: c["value"] for n, c in data["controls"].items()} | {"true": data["true"]["value"], "T": 3.0}
    at._run(with_trigger(at, "softmax.live", "release", released))
    logits = [at.session_state[f"softmax.z{k}"] for k in range(10)]
    probs = sm.softmax(torch.tensor(logits, dtype=torch.float64), 3.0).tolist()
    _, expected = words.softmax_bars(logits, probs, 3.0, at.session_state["softmax.true"])
    assert lines(at) != before and any(expected.replace("&", "&amp;") in body for body in lines(at))


def test_tape_page_describes_the_graph_at_each_step():
    at = AppTest.from_file("../pages/gradient_tape.py", default_timeout=120).run()
    assert not at.exception and "No backward step played yet" in lines(at)[0]
    at.slider(key="tape.step").set_value(1).run()
    assert "1 of " in lines(at)[0] and "∂f/∂" in lines(at)[0]


def test_descent_sentences_match_the_runs():
    from explorer.descent import LABELS, descend

    t = descend(parse("x^2"), (2.5,), "sgd", 0.1, 30)
    name, text = words.walk(t)
    assert "SGD" in name and "started at x = 2.5" in text and "after 30 steps" in text
    assert f"reached x = {words.num(2.5 * 0.8 ** 30)}" in text  # SGD on x²: x0·(1 − 2·lr)^k
    assert f"from {words.num(6.25)} to {words.num((2.5 * 0.8 ** 30) ** 2)}" in text
    gone = descend(parse("x^2"), (2.5,), "sgd", 1.5, 30)
    assert "and stopped at x = " in words.walk(gone)[1]  # a walk that diverged stopped at its last kept point
    runs = {"sgd": descend(parse("x^2 + 20*y^2"), (-3.5, 1.0), "sgd", 0.01, 50),
            "adam": descend(parse("x^2 + 20*y^2"), (-3.5, 1.0), "adam", 0.1, 50)}
    name, text = words.race(runs)
    assert "2 optimizers" in name and "(−3.500, 1.000)" in name
    best = min(runs, key=lambda n: runs[n].losses[-1])
    assert text.endswith(f"Lowest loss: {LABELS[best]}.") and f"{LABELS['adam']} ends at" in text


def test_the_race_sentence_and_the_standings_name_the_same_leaders():
    """The line under the map and the caption below it agree: a tie is named as a tie, and a racer that diverged
    (its last good loss can be the lowest number on the page) never leads."""
    from explorer.descent import LABELS, descend
    from explorer.outcomes import standings

    bowl = parse("x^2 + y^2")
    tie = {"sgd": descend(bowl, (2.0, 1.0), "sgd", 0.5, 5), "momentum": descend(bowl, (2.0, 1.0), "momentum", 0.1, 200),
           "adam": descend(bowl, (2.0, 1.0), "adam", 0.001, 5)}
    assert tie["sgd"].losses[-1] == 0.0 < tie["momentum"].losses[-1] < 1e-8  # SGD at lr 0.5 on x²+y²: there in one step
    text = words.race(tie)[1]
    assert text.endswith("Lowest loss: a tie between SGD and SGD + momentum.")
    assert standings(tie, LABELS).startswith("SGD and SGD + momentum tie for the lowest")

    cliff = parse("-x^2 - y^2")  # no minimum: a fast racer runs away and diverges, a slow one only walks downhill
    runs = {"sgd": descend(cliff, (1.0, 1.0), "sgd", 1.0, 50), "adam": descend(cliff, (1.0, 1.0), "adam", 0.01, 20)}
    assert runs["sgd"].diverged and not runs["adam"].diverged  # SGD: x ← 3x each step, past 10⁶ at step 13
    assert runs["sgd"].losses[-1] < runs["adam"].losses[-1]  # the diverged racer's last good loss is the lowest
    text = words.race(runs)[1]
    assert text.endswith("Lowest loss: Adam.") and "SGD diverged at step 13" in standings(runs, LABELS)
    assert "Lowest loss" not in words.race({"sgd": runs["sgd"]})[1]  # nobody finished: no leader named
