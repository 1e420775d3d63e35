"""The live latent map in a real browser: the digit follows the mouse with no rerun; a click picks z.

Drives tests/e2e/live_map_app.py (the component with the real VAE, two sliders and a run counter).
Playwright's CSS selectors pierce the component's open shadow root, so `canvas.lm-digit` is found.
"""

import time

import numpy as np
import pytest
import torch
from conftest import screenshot, start_streamlit, stop_streamlit, wait_for_app  # tests/e2e/conftest.py

from explorer import zoo
from explorer.data import digits
from explorer.latent import decode, encode

pytestmark = pytest.mark.e2e

# the digit canvas read back as 28x28 grey levels in [0, 1]: the centre pixel of each upscaled cell
READ_DIGIT = """c => { const g = c.getContext('2d'), d = g.getImageData(0, 0, c.width, c.height).data;
  const out = [];
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const px = Math.floor((x + 0.5) * c.width / 28), py = Math.floor((y + 0.5) * c.height / 28);
    out.push(d[4 * (py * c.width + px)] / 255);
  }
  return out; }"""


@pytest.fixture(scope="module")
def harness(chromium_path):
    proc, url = start_streamlit("tests/e2e/live_map_app.py")
    yield url
    stop_streamlit(proc)


@pytest.fixture(scope="module")
def vae():
    """The checkpoint the app serves (trained and saved first if missing, before the page opens)."""
    torch.set_num_threads(1)
    return zoo.ensure("vae")[0]


@pytest.fixture(scope="module")
def centres(vae):
    """The mean code of each digit class: points on the map that decode to clearly different digits."""
    images, labels = digits("mnist-5k", "test")
    mu, _ = encode(vae, images)
    return {k: mu[labels.numpy() == k].mean(axis=0) for k in range(10)}


def open_map(browser, url, width=1280, height=720, query=""):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{url}/{query}")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveMap && window.__liveMap.ready", timeout=60_000)
    page.locator("canvas.lm-map").scroll_into_view_if_needed()
    return page


def to_client(page, z):
    p = page.evaluate("([a, b]) => window.__liveMap.zToClient(a, b)", [float(z[0]), float(z[1])])
    return p["x"], p["y"]


def runs(page) -> int:
    return int(page.locator("#h-runs").inner_text().split(":")[1])


def after_rerun(page, before: int) -> tuple[float, float]:
    """Wait for the script run after ``before`` to finish; the sliders' (z1, z2) then."""
    page.wait_for_function("n => +document.querySelector('#h-runs').textContent.split(':')[1] > n", arg=before)
    wait_for_app(page)
    return tuple(float(page.locator(f'input[type="range"][aria-label="{name}"]').get_attribute("aria-valuetext"))
                 for name in ("z1", "z2"))


def hover(page, z) -> np.ndarray:
    """Move the real mouse to z, wait for the frame that draws it; the digit canvas as (28, 28)."""
    page.mouse.move(*to_client(page, z), steps=20)
    page.wait_for_function("([a, b]) => { const s = window.__liveMap.shownZ; return s && Math.abs(s[0] - a) < 0.05"
                           " && Math.abs(s[1] - b) < 0.05; }", arg=[float(z[0]), float(z[1])], polling="raf")
    page.wait_for_timeout(50)
    return np.array(page.locator("canvas.lm-digit").evaluate(READ_DIGIT)).reshape(28, 28)


def test_hover_redraws_the_digit_and_coming_back_restores_it(browser, harness, vae, centres):
    page = open_map(browser, harness)
    first = hover(page, centres[0])
    shown = page.evaluate("() => window.__liveMap.shownZ")
    assert first.max() > 0.7 and first.std() > 0.15, "the decoded digit is blank"
    np.testing.assert_allclose(first, decode(vae, shown), atol=1.5 / 255)  # the canvas is the decoder's image
    second = hover(page, centres[1])
    assert np.abs(second - first).mean() > 0.05, "the digit did not change between a 0 and a 1"
    again = hover(page, centres[0])
    np.testing.assert_allclose(again, first, atol=1.5 / 255)
    page.context.close()


def test_browser_decoder_equals_pytorch_within_1e_3(browser, harness, vae):
    page = open_map(browser, harness)
    for z in [(0.0, 0.0), (1.3, -0.7), (-2.1, 1.6), (0.4, 2.5)]:
        js = np.array(page.evaluate("([a, b]) => Array.from(window.__liveMap.decode(a, b))", list(z)))
        np.testing.assert_allclose(js.reshape(28, 28), decode(vae, z), atol=1e-3, rtol=0)
    page.context.close()


def test_two_second_sweep_decodes_30_per_second_without_a_rerun(browser, harness, centres):
    page = open_map(browser, harness)
    a, b = to_client(page, centres[0]), to_client(page, centres[7])
    page.mouse.move(*a)
    before_runs = runs(page)
    before = page.evaluate("() => [window.__liveMap.decodes, window.__liveMap.totalDecodeMs]")
    t0, k = time.monotonic(), 0
    while time.monotonic() - t0 < 2.0:
        end = b if k % 2 == 0 else a
        page.mouse.move(*end, steps=12)
        k += 1
    elapsed = time.monotonic() - t0
    after = page.evaluate("() => [window.__liveMap.decodes, window.__liveMap.totalDecodeMs]")
    n = after[0] - before[0]
    print(f"\nlive map sweep: {n / elapsed:.1f} decodes/s, {(after[1] - before[1]) / n:.2f} ms per decode")
    assert n / elapsed >= 30
    page.wait_for_timeout(500)  # a rerun, had one been asked for, would have started by now
    assert runs(page) == before_runs
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0
    page.context.close()


def test_click_picks_z_and_moves_the_sliders(browser, harness):
    page = open_map(browser, harness)
    before = runs(page)
    page.mouse.click(*to_client(page, (1.0, -0.5)))
    z1, z2 = after_rerun(page, before)
    assert abs(z1 - 1.0) <= 0.03 and abs(z2 + 0.5) <= 0.03
    assert runs(page) == before + 1
    # the re-mounted map shows the pick, and the old mount left nothing behind
    page.wait_for_function("() => window.__liveMap && window.__liveMap.ready && window.__liveMap.shownZ")
    assert page.locator("canvas.lm-map").count() == 1
    shown = page.evaluate("() => window.__liveMap.shownZ")
    assert abs(shown[0] - z1) < 0.02 and abs(shown[1] - z2) < 0.02
    page.context.close()


def test_drag_release_picks_where_the_mouse_is_let_go(browser, harness):
    page = open_map(browser, harness)
    before = runs(page)
    page.mouse.move(*to_client(page, (-1.0, -1.0)))
    page.mouse.down()
    page.mouse.move(*to_client(page, (0.5, 1.5)), steps=15)
    page.wait_for_timeout(300)
    assert runs(page) == before  # dragging is hovering: nothing sent yet
    page.mouse.up()
    z1, z2 = after_rerun(page, before)
    assert abs(z1 - 0.5) <= 0.03 and abs(z2 - 1.5) <= 0.03
    assert runs(page) == before + 1
    page.context.close()


@pytest.mark.parametrize("width,height,query", [(1280, 720, ""), (1920, 1080, "?classroom=1")])
def test_screenshots_mid_sweep(browser, harness, centres, width, height, query):
    page = open_map(browser, harness, width, height, query)
    shown = {}
    for name, (start, end) in {"a": (centres[1], centres[7]), "b": (centres[3], centres[0])}.items():
        page.mouse.move(*to_client(page, start))
        page.mouse.move(*to_client(page, end), steps=10)
        page.wait_for_timeout(100)
        screenshot(page, f"live_map_{width}_{name}")
        shown[name] = np.array(page.locator("canvas.lm-digit").evaluate(READ_DIGIT))
    # the sweeps end on a 7 and on a 0: the digit drawn at each end must be a different picture
    assert np.abs(shown["a"] - shown["b"]).mean() > 0.05
    page.context.close()
