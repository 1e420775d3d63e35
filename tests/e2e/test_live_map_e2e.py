"""The live latent map in a real browser: the digit follows the mouse, a drag and the z ranges with
no rerun; a release picks z; overlays, server-set z and the no-decoder fallback.

Drives tests/e2e/live_map_app.py (the component with the real VAE and a run counter). Playwright's
selectors pierce the component's open shadow root, so `canvas.lm-digit` and the ranges are found.
"""

import numpy as np
import pytest
import torch
from conftest import NEXT_FRAME, screenshot, start_streamlit, stop_streamlit, wait_for_app  # tests/e2e/conftest.py
from playwright.sync_api import expect

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
# the map canvas's colour (r, g, b) at a page point
MAP_PIXEL = """(c, [x, y]) => { const r = c.getBoundingClientRect(), k = c.width / r.width;
  return Array.from(c.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data).slice(0, 3); }"""


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


def open_map(browser, url, width=1280, height=720, query="", ready=True):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{url}/{query}")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveMap" + (" && window.__liveMap.ready" if ready else ""), timeout=60_000)
    page.locator("canvas.lm-map").scroll_into_view_if_needed()
    return page


def to_client(page, z):
    p = page.evaluate("([a, b]) => window.__liveMap.zToClient(a, b)", [float(z[0]), float(z[1])])
    return p["x"], p["y"]


def runs(page) -> int:
    return int(page.locator("#h-runs").inner_text().split(":")[1])


def after_rerun(page, before: int) -> tuple[float, float]:
    """Wait for the script run after ``before`` to finish; the server's z then."""
    page.wait_for_function("n => +document.querySelector('#h-runs').textContent.split(':')[1] > n", arg=before)
    wait_for_app(page)
    text = page.locator("#h-z").inner_text().removeprefix("z = ")
    return tuple(float(v) for v in text.split(","))


def hover(page, z) -> np.ndarray:
    """Move the real mouse to z, wait for the frame that draws it; the digit canvas as (28, 28)."""
    page.mouse.move(*to_client(page, z), steps=20)
    page.wait_for_function("([a, b]) => { const s = window.__liveMap.shownZ; return s && Math.abs(s[0] - a) < 0.05"
                           " && Math.abs(s[1] - b) < 0.05; }", arg=[float(z[0]), float(z[1])], polling="raf")
    page.wait_for_timeout(50)
    return read_digit(page)


def read_digit(page) -> np.ndarray:
    """The digit canvas as (28, 28) grey levels in [0, 1]."""
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


def test_browser_decoder_equals_pytorch_within_1e_5(browser, harness, vae):
    page = open_map(browser, harness)
    for z in [(0.0, 0.0), (1.3, -0.7), (-2.1, 1.6), (0.4, 2.5), (3.9, -3.9)]:
        js = np.array(page.evaluate("([a, b]) => Array.from(window.__liveMap.decode(a, b))", list(z)))
        np.testing.assert_allclose(js.reshape(28, 28), decode(vae, z), atol=1e-5, rtol=0)
    page.context.close()


def test_a_sweep_decodes_at_every_move_without_a_rerun(browser, harness, centres, vae):
    page = open_map(browser, harness)
    a, b = np.array(to_client(page, centres[0])), np.array(to_client(page, centres[7]))
    page.mouse.move(*a)
    before_runs = runs(page)
    for f in (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 0.5, 0.0):  # along the line and back, as a hand does
        decodes = page.evaluate("() => window.__liveMap.decodes")
        page.mouse.move(*(a + f * (b - a)), steps=2)
        page.evaluate(NEXT_FRAME)
        assert page.evaluate("() => window.__liveMap.decodes") > decodes, f"the move to {f:.0%} of the way was not decoded"
        shown = page.evaluate("() => window.__liveMap.shownZ")
        np.testing.assert_allclose(read_digit(page), decode(vae, shown), atol=1.5 / 255)  # the canvas shows that z
    assert np.linalg.norm(np.array(shown) - centres[0]) < 0.05  # back where the sweep began
    page.wait_for_timeout(500)  # a rerun, had one been asked for, would have started by now
    assert runs(page) == before_runs
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0
    page.context.close()


def test_click_picks_z_and_the_map_is_updated_in_place(browser, harness):
    page = open_map(browser, harness)
    page.evaluate("() => { window.__before = window.__liveMap; }")
    before = runs(page)
    page.mouse.click(*to_client(page, (1.0, -0.5)))
    z1, z2 = after_rerun(page, before)
    assert abs(z1 - 1.0) <= 0.03 and abs(z2 + 0.5) <= 0.03
    assert runs(page) == before + 1
    # the rerun's new data updated the same map (focus and a drag in progress survive a rerun)
    assert page.evaluate("() => window.__liveMap === window.__before")
    assert page.locator("canvas.lm-map").count() == 1
    assert page.evaluate("() => window.__liveMap.point") == [z1, z2]
    assert page.evaluate("() => window.__liveMap.shownZ") == [z1, z2]
    page.context.close()


def test_drag_release_picks_where_the_mouse_is_let_go(browser, harness):
    page = open_map(browser, harness)
    before = runs(page)
    page.mouse.move(*to_client(page, (-1.0, -1.0)))
    page.mouse.down()
    page.mouse.move(*to_client(page, (0.5, 1.5)), steps=15)
    page.wait_for_timeout(300)
    assert runs(page) == before  # dragging redraws in the browser: nothing sent yet
    assert page.evaluate("() => window.__liveMap.point") == pytest.approx([0.5, 1.5], abs=0.03)
    page.mouse.up()
    z1, z2 = after_rerun(page, before)
    assert abs(z1 - 0.5) <= 0.03 and abs(z2 - 1.5) <= 0.03
    assert runs(page) == before + 1
    page.context.close()


def test_the_ranges_are_labelled_show_their_values_and_take_arrow_keys(browser, harness):
    page = open_map(browser, harness)
    z1 = page.get_by_role("slider", name="z₁")
    z2 = page.get_by_role("slider", name="z₂")
    assert z1.count() == 1 and z2.count() == 1  # real range inputs, named by their <label>
    assert z1.get_attribute("type") == "range" and float(z1.get_attribute("step")) == 0.01
    before = runs(page)
    z1.focus()
    page.keyboard.press("ArrowRight")
    z = after_rerun(page, before)
    assert z == (0.01, 0.0)  # a key press is a committed move: one pick
    assert page.locator("output.lm-range-value").first.inner_text() == "0.01"  # the value is shown
    page.context.close()


def test_a_z_set_by_the_server_moves_the_star_and_the_ranges(browser, harness):
    page = open_map(browser, harness)
    page.evaluate("() => { window.__before = window.__liveMap; }")
    page.get_by_role("button", name="Jump").click()
    page.wait_for_function("() => { const p = window.__liveMap.point; return p[0] === 1 && p[1] === 1; }")
    assert page.evaluate("() => window.__liveMap === window.__before")
    assert float(page.get_by_role("slider", name="z₁").input_value()) == 1.0
    assert float(page.get_by_role("slider", name="z₂").input_value()) == 1.0
    page.context.close()


def test_without_a_browser_decoder_a_pick_shows_the_servers_picture(browser, harness, vae):
    page = open_map(browser, harness, query="?fallback=1", ready=False)
    assert "drawn by the server" in page.locator('[data-testid="stAlert"]').inner_text()
    page.wait_for_function("() => window.__liveMap.failed")
    assert "cannot run the decoder" in page.locator(".lm-mode").inner_text()
    before = runs(page)
    page.mouse.click(*to_client(page, (-1.5, 0.75)))
    z = after_rerun(page, before)
    page.wait_for_function("z => { const s = window.__liveMap.shownZ; return s && s[0] === z[0] && s[1] === z[1]; }",
                           arg=list(z))
    shown = read_digit(page)
    np.testing.assert_allclose(shown, decode(vae, z), atol=1.5 / 255)
    page.context.close()


def test_overlays_are_drawn_on_the_map(browser, harness):
    page = open_map(browser, harness, query="?overlay=1")
    canvas = page.locator("canvas.lm-map")
    mid = to_client(page, (-1.5, -1.0))  # halfway along the path's first segment: its black line
    star = to_client(page, (2.0, -2.0))  # the marked point: a star in the given colour
    assert max(canvas.evaluate(MAP_PIXEL, list(mid))) < 60
    assert canvas.evaluate(MAP_PIXEL, list(star)) == pytest.approx([0xD5, 0x5E, 0x00], abs=20)
    assert "a marked point" in page.locator(".lm-keys").inner_text()
    page.context.close()


def test_a_fragment_below_the_map_moves_its_overlay_without_a_run_of_the_map(browser, harness):
    page = open_map(browser, harness, query="?overlay=1")
    canvas = page.locator("canvas.lm-map")
    before = runs(page)
    assert canvas.evaluate(MAP_PIXEL, list(to_client(page, (2.0, -2.0)))) == pytest.approx([0xD5, 0x5E, 0x00], abs=20)
    page.get_by_role("button", name="Move the marked point").click()  # the click scrolls: positions are read after
    page.wait_for_function(f"c => {{ const p = window.__liveMap.zToClient(-2, 2); return ({MAP_PIXEL})(c, [p.x, p.y])[2] < 20; }}",
                           arg=canvas.element_handle(), timeout=30_000)
    canvas.scroll_into_view_if_needed()
    assert canvas.evaluate(MAP_PIXEL, list(to_client(page, (-2.0, 2.0)))) == pytest.approx([0xD5, 0x5E, 0x00], abs=20)
    assert canvas.evaluate(MAP_PIXEL, list(to_client(page, (2.0, -2.0)))) != pytest.approx([0xD5, 0x5E, 0x00], abs=20)
    assert runs(page) == before  # the fragment's run alone: the map was not drawn again by the server
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


def test_a_decoder_whose_answer_was_lost_is_asked_for_until_it_comes(browser, harness):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{harness}/?lose=3")  # the first three runs withhold the decoder
    expect(page.get_by_role("status").filter(has_text="Loading the decoder…")).to_be_visible(timeout=60_000)
    page.wait_for_function("() => window.__liveMap && window.__liveMap.ready", timeout=60_000)
    expect(page.locator(".lm-wait")).to_have_count(0)
    wait_for_app(page)
    assert runs(page) == 4  # one run, then one per request until the answer came
    page.context.close()
