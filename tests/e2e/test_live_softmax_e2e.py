"""The live softmax widget in a real browser: its arithmetic against torch, bars that follow the hand, one release.

1. live_softmax_math.js on a blank page (no server) against explorer/softmax.py's torch in float64: every true
   class, the temperature at its ends, logits at ±LOGIT_LIMIT and in between.
2. tests/e2e/live_softmax_app.py (the widget alone, a run counter): while a slider is dragged or an arrow key
   held, the drawn bars change and the browser sends nothing; letting go sends one message, the script reruns
   once with the values the browser had; a value Python sets (a button) is what the widget then shows.
3. The real page: a release reruns torch, and the "CE loss" metric and the URL follow.

How JS and torch are compared. Both compute the same formulas in float64, but exp, log and the order of a
ten-term sum are each library's own, so a result may differ in its last bit. Every number must agree to 1e-9
relative — except where the formula itself subtracts nearly equal numbers: the true class's gradient
(p − 1) / T when p is near 1, and the loss, logsumexp(z / T) − z_true / T, when it is near 0. There a last-bit
difference of the numbers subtracted is all that may separate them: at most MAX_ULPS units in the last place
of 1 / T (the gradient) or of max |z / T| (the loss).
"""

from __future__ import annotations

import json
import random
import time

import numpy as np
import pytest
import torch
from conftest import ARTIFACTS, ROOT, start_streamlit, stop_streamlit, wait_for_app  # tests/e2e/conftest.py

from explorer import softmax as sm
from explorer.figures.softmax import TRUE_COLOUR
from explorer.ui.state_tables import LOGIT_LIMIT as L

pytestmark = pytest.mark.e2e
RTOL = 1e-9
MAX_ULPS = 4
EPS = float(np.finfo(np.float64).eps)
DEFAULT = [1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5]
TEMPERATURES = (0.1, 0.2, 0.5, 1.0, 2.3, 5.0)  # the slider's ends and some between
BARS = "rs => rs.map((r) => Number(r.dataset.value))"


def logit_sets() -> list[list[float]]:
    """The page's defaults, logits at the sliders' ends in several patterns, random slider positions, and logits
    far beyond the sliders, where exp(z / T) overflows and a probability underflows unless computed stably."""
    rng = random.Random(0)
    ends = [[L] * 10, [-L] * 10, [L if k % 2 else -L for k in range(10)], [L] + [-L] * 9, [-L] + [L] * 9,
            [L, L - 0.1] + [-L] * 8, [L, 19.9, 19.8] + [-L] * 7, [round(0.1 * k, 1) for k in range(10)]]
    far = [[1000.0, 0.0, -1000.0, 999.9, 5.0, -5.0, 0.1, 1000.0, -999.9, 20.0], [-1000.0] * 9 + [-999.0]]
    return [DEFAULT, *ends, *far, *([round(rng.uniform(-L, L), 1) for _ in range(10)] for _ in range(24))]


def torch_stats(z: list[float], T: float, k: int) -> dict:
    zt = torch.tensor(z, dtype=torch.float64)
    return {"probs": sm.softmax(zt, T).numpy(), "loss": np.array([float(sm.cross_entropy(zt, k, T))]),
            "grad": sm.cross_entropy_grad(zt, k, T).numpy()}


def assert_agrees(js: dict, z: list[float], T: float, k: int) -> None:
    """JS's probabilities, loss and gradient against torch's (the bounds: this module's docstring)."""
    ref = torch_stats(z, T, k)
    floors = {"probs": 0.0, "loss": MAX_ULPS * EPS * max(abs(v) for v in z) / T, "grad": MAX_ULPS * EPS / T}
    for name, expected in ref.items():
        got = np.atleast_1d(np.asarray(js[name], dtype=np.float64))
        assert got.shape == expected.shape and np.isfinite(got).all(), (name, z, T, k)
        off = np.abs(got - expected) - (RTOL * np.abs(expected) + floors[name])
        assert (off <= 0).all(), (name, z, T, k, got.tolist(), expected.tolist())


def test_js_softmax_loss_and_gradient_equal_torch_in_float64(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>softmax arithmetic</title>")
    page.add_script_tag(content=(ROOT / "explorer/ui/widgets/live_softmax_math.js").read_text(encoding="utf-8"))
    cases = [(z, T, k) for z in logit_sets() for T in TEMPERATURES for k in range(10)]
    results = page.evaluate("cs => cs.map(([z, T, k]) => softmaxStats(z, T, k))", cases)
    for (z, T, k), js in zip(cases, results):
        assert_agrees(js, z, T, k)
    assert len(cases) == 35 * 6 * 10
    page.close()


# ---- the widget on its harness page


@pytest.fixture(scope="module")
def harness(chromium_path):
    proc, url = start_streamlit("tests/e2e/live_softmax_app.py")
    yield url
    stop_streamlit(proc)


class Harness:
    """One harness page: the websocket frames it sends, its run counter, the drawn bars."""

    def __init__(self, browser, url: str, query: str = ""):
        self.page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        self.sent: list[float] = []
        self.page.on("websocket", lambda ws: ws.on("framesent", lambda _: self.sent.append(time.monotonic())))
        self.page.goto(f"{url}/{query}")
        self.page.wait_for_function("() => window.__liveSoftmax && window.__liveSoftmax.redraws > 0", timeout=60_000)
        self.settled()

    def settled(self) -> None:
        """Wait until no script run is going on (Streamlit's status widget gone)."""
        self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        self.page.wait_for_timeout(400)

    def drawn(self) -> None:
        """Wait for the widget's next two animation frames: what it was told is on the screen."""
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def runs(self) -> int:
        return int(self.page.locator("#h-runs").inner_text().split(":")[1])

    def state(self) -> dict:
        return json.loads(self.page.locator("#h-values").inner_text())

    def values(self) -> dict:
        return self.page.evaluate("() => window.__liveSoftmax.values")

    def bars(self, panel: str) -> list[float]:
        return self.page.locator(f'.lsm [data-panel="{panel}"] rect.lsm-bar').evaluate_all(BARS)

    def slider(self, name: str):
        return self.page.locator(f'.lsm input[name="{name}"]')

    def thumb(self, name: str, fraction: float | None = None) -> tuple[float, float]:
        """Client coordinates of slider ``name``'s thumb at ``fraction`` of its track (default: where it is)."""
        slider = self.slider(name)
        if fraction is None:
            fraction = slider.evaluate("i => (i.value - i.min) / (i.max - i.min)")
        box = slider.bounding_box()
        return box["x"] + box["height"] / 2 + fraction * (box["width"] - box["height"]), box["y"] + box["height"] / 2

    def wait_runs(self, above: int) -> None:
        self.page.wait_for_function("n => +document.querySelector('#h-runs').textContent.split(':')[1] > n", arg=above,
                                    timeout=60_000)
        self.settled()

    def close(self) -> None:
        self.page.context.close()


def drawn_equal_torch(h: Harness) -> None:
    """The bars on the screen are torch's softmax and gradient of the values the widget holds."""
    v = h.values()
    z = [v[f"z{k}"] for k in range(10)]
    js = {"probs": h.bars("probs"), "grad": h.bars("grad"), "loss": h.page.evaluate("() => window.__liveSoftmax.stats.loss")}
    assert h.bars("logits") == z
    assert_agrees(js, z, v["T"], v["true"])


def test_dragging_a_logit_moves_the_bars_with_no_message_and_letting_go_sends_one(browser, harness):
    h = Harness(browser, harness)
    try:
        before, runs, sent = h.bars("probs"), h.runs(), len(h.sent)
        h.page.mouse.move(*h.thumb("z3"))
        h.page.mouse.down()
        for fraction in (0.7, 0.8, 0.9):
            h.page.mouse.move(*h.thumb("z3", fraction), steps=4)
        h.page.wait_for_function("() => window.__liveSoftmax.values.z3 > 10")
        h.drawn()
        during = h.bars("probs")
        assert during[3] > 0.99 > before[3], "the probability bar of class 3 did not follow the drag"
        assert len(h.sent) == sent and h.runs() == runs, "the browser talked to the server during the drag"
        drawn_equal_torch(h)
        shown = h.values()
        h.page.mouse.up()
        h.wait_runs(runs)
        assert len(h.sent) - sent == 1, "letting go must send exactly one message"
        assert h.runs() == runs + 1
        assert h.state() == shown  # every value reached session state
        assert float(h.page.locator("#h-loss").inner_text()) == pytest.approx(
            float(sm.cross_entropy(torch.tensor([shown[f"z{k}"] for k in range(10)], dtype=torch.float64), 7, 1.0)), rel=1e-12)
        assert h.bars("probs") == during  # the rerun's echo did not move anything back
    finally:
        h.close()


def test_a_held_arrow_key_moves_a_logit_and_sends_once_when_it_goes_up(browser, harness):
    h = Harness(browser, harness)
    try:
        z0 = h.slider("z0")
        runs, sent, before = h.runs(), len(h.sent), h.bars("probs")
        z0.focus()
        h.page.keyboard.down("ArrowRight")  # held: the browser repeats the key
        for _ in range(3):
            h.page.keyboard.down("ArrowRight")
        h.page.wait_for_function("() => window.__liveSoftmax.values.z0 > 1.35")
        h.drawn()
        assert h.bars("probs")[0] > before[0]
        assert z0.get_attribute("aria-valuetext") == "1.4"
        assert len(h.sent) == sent and h.runs() == runs  # nothing sent while the key is down
        h.page.keyboard.up("ArrowRight")
        h.wait_runs(runs)
        assert len(h.sent) - sent == 1
        assert h.state()["z0"] == 1.4
        focused = "() => document.activeElement.shadowRoot?.activeElement?.name ?? document.activeElement.name"
        assert h.page.evaluate(focused) == "z0"  # the rerun kept the focus where it was
        label = h.page.locator(f'.lsm label[for="{z0.get_attribute("id")}"]').inner_text()
        assert label.startswith("class 0")
        drawn_equal_torch(h)
    finally:
        h.close()


def test_a_new_true_class_is_released_and_values_python_sets_are_shown(browser, harness):
    h = Harness(browser, harness)
    try:
        runs = h.runs()
        h.page.locator('.lsm select[name="true"]').select_option("3")
        h.wait_runs(runs)
        assert h.state()["true"] == 3
        outlines = h.page.locator('.lsm [data-panel="probs"] rect.lsm-bar').evaluate_all("rs => rs.map((r) => r.getAttribute('stroke'))")
        assert [k for k, c in enumerate(outlines) if c == TRUE_COLOUR] == [3]
        assert h.page.locator('.lsm [data-panel="grad"] rect.lsm-bar').evaluate_all(BARS)[3] < 0
        runs = h.runs()
        h.page.get_by_role("button", name="Load logits").click()  # Python sets the logits (as the page's classifier button)
        h.wait_runs(runs)
        state = h.state()
        assert state["z6"] == -20.0 and state["true"] == 2  # live_softmax_app.LOADED and LOADED_TRUE
        h.page.wait_for_function("() => window.__liveSoftmax.values.z6 === -20")
        h.drawn()
        assert [float(h.slider(f"z{k}").input_value()) for k in range(10)] == [state[f"z{k}"] for k in range(10)]
        assert h.page.locator('.lsm select[name="true"]').input_value() == "2"
        drawn_equal_torch(h)
    finally:
        h.close()


# ---- the real page


def test_a_release_on_the_page_updates_the_loss_metric_and_the_link(browser, app_server):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    try:
        page.goto(f"{app_server}/softmax")
        page.wait_for_function("() => window.__liveSoftmax && window.__liveSoftmax.redraws > 0", timeout=120_000)
        wait_for_app(page)
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="CE loss").locator('[data-testid="stMetricValue"]')
        assert metric.inner_text() == "0.655"
        z7 = page.locator('.lsm input[name="z7"]')
        box = z7.bounding_box()
        page.mouse.move(box["x"] + box["height"] / 2 + 0.575 * (box["width"] - box["height"]), box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] / 2, steps=6)
        live = page.locator(".lsm-live").inner_text()
        assert metric.inner_text() == "0.655"  # the server's number waits for the release; the widget's moved
        page.mouse.up()
        v = page.evaluate("() => window.__liveSoftmax.values")
        z = torch.tensor([v[f"z{k}"] for k in range(10)], dtype=torch.float64)
        loss = f"{float(sm.cross_entropy(z, 7, 1.0)):.3f}"
        page.wait_for_function("t => [...document.querySelectorAll('[data-testid=stMetricValue]')].some((m) => m.innerText === t)",
                               arg=loss, timeout=60_000)
        assert metric.inner_text() == loss and loss in live
        assert f"softmax.z7={v['z7']:g}" in page.evaluate("() => location.search")
    finally:
        page.context.close()


@pytest.mark.parametrize("classroom", [False, True])
@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_screenshots(browser, app_server, classroom, scheme):
    name = f"live_softmax_{scheme}{'_classroom' if classroom else ''}"
    page = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme=scheme).new_page()
    try:
        page.goto(f"{app_server}/softmax{'?classroom=1' if classroom else ''}")
        page.wait_for_function("() => window.__liveSoftmax && window.__liveSoftmax.redraws > 0", timeout=120_000)
        wait_for_app(page)
        chart = page.locator(".lsm-probs-chart").bounding_box()
        assert chart["y"] + chart["height"] <= 720, "the logits and probabilities must fit the first screen"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    finally:
        page.context.close()
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
