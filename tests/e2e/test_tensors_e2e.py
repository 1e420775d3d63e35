"""The tensors-and-kernels page in a real browser: it renders, Play slides the window with no rerun,
the keyboard moves it, and the sums the browser shows are PyTorch's."""

import pytest
import torch
from conftest import screenshot, wait_for_app

from explorer import kernels as K
from explorer import zoo
from explorer.data import digits

pytestmark = pytest.mark.e2e
WINDOW = "(window.__slidingWindows && window.__slidingWindows['tensors.window'])"

# the link carries the window position (a value equal to its default, row 10 or column 12, is left out)
LINK_HAS = """([r, c]) => { const q = new URLSearchParams(location.search);
  return q.get('tensors.wrow') === (r === 10 ? null : String(r)) && q.get('tensors.wcol') === (c === 12 ? null : String(c))
    && (r !== 10 || c !== 12 || q.has('tensors.tab')); }"""


def open_tab(page, base_url: str, query: str) -> None:
    page.goto(f"{base_url}/tensors?{query}")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def open_window(page, base_url: str, query: str = "") -> None:
    open_tab(page, base_url, "tensors.tab=Sliding+window" + query)
    page.wait_for_function(f"() => {WINDOW} && {WINDOW}.draws > 0", timeout=60_000)
    page.locator("input.sw-col").scroll_into_view_if_needed()


def shown(page) -> dict:
    return page.evaluate(f"() => ({{...{WINDOW}.shown, position: {WINDOW}.position, playing: {WINDOW}.playing}})")


@pytest.fixture(scope="module")
def reference():
    """The page's default digit and kernel, straight from the checkpoint and the test split."""
    weights, biases = K.first_layer(zoo.load("classifier"))
    return digits("mnist-5k", "test")[0][700, 0], weights[11], float(biases[11])


def test_every_tab_renders_without_an_exception(app_server, browser_page):
    page = browser_page
    for tab in ("Tensors", "Kernels", "Sliding+window", "Your+own+kernel", "What+the+layers+see"):
        open_tab(page, app_server, f"tensors.tab={tab}")
        page.locator('[data-testid="stPlotlyChart"], canvas.sw-canvas').first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0, tab
        assert page.get_by_role("heading", name="Tensors and kernels").count()
    screenshot(page, "tensors_layers")


def test_play_slides_the_window_in_the_browser_without_a_rerun(app_server, browser_page, reference):
    page = browser_page
    sent = []  # every message the browser sends; a rerun needs one
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    open_window(page, app_server)
    start = shown(page)
    assert start["position"] == [10, 12]
    before = len(sent)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => {WINDOW}.position[0] * 28 + {WINDOW}.position[1] >= 10 * 28 + 12 + 8",
                           timeout=20_000)
    playing = shown(page)
    assert playing["playing"] and len(sent) == before  # moving, and nothing asked the server for a run
    page.get_by_role("button", name="Pause").click()
    stopped = shown(page)["position"]
    # once stopped, the position goes back to Python (one rerun), which writes it into the link
    page.wait_for_function(LINK_HAS, arg=stopped, timeout=20_000)
    assert len(sent) > before
    image, kernel, bias = reference
    got = shown(page)
    want = K.window(image, kernel, got["row"], got["col"], bias)
    assert got["output"] == pytest.approx(want.output, abs=1e-5)
    assert got["products"] == pytest.approx(want.products.reshape(-1).tolist(), abs=1e-5)
    screenshot(page, "tensors_window_paused")


def test_the_keyboard_moves_the_window_and_the_sums_match_conv2d(app_server, browser_page, reference):
    page = browser_page
    open_window(page, app_server)
    column = page.locator("input.sw-col")
    column.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    row = page.locator("input.sw-row")
    row.focus()
    page.keyboard.press("ArrowUp")
    got = shown(page)
    assert got["position"] == [11, 15] and [got["row"], got["col"]] == [11, 15]
    image, kernel, bias = reference
    fmap = torch.nn.functional.conv2d(image[None, None], kernel[None, None], torch.tensor([bias]), padding=1)[0, 0]
    assert got["output"] == pytest.approx(float(fmap[11, 15]), abs=1e-5)
    text = page.locator(".sw-sum").inner_text()
    assert f"{float(fmap[11, 15]):.3f}".replace("-", "\u2212") in text and "output[11, 15]" in text
    page.wait_for_function(LINK_HAS, arg=[11, 15], timeout=20_000)
    screenshot(page, "tensors_window_keyboard")


def test_your_kernel_is_slid_by_the_button(app_server, browser_page):
    page = browser_page
    open_tab(page, app_server, "tensors.tab=Your+own+kernel")
    page.get_by_role("radio", name="sharpen").click()  # st.pills: a radio group of buttons
    page.wait_for_function("() => location.search.includes('tensors.k1=-1')", timeout=20_000)
    page.get_by_role("button", name="Slide it over the digit, step by step").click()
    page.wait_for_function(f"() => {WINDOW} && {WINDOW}.draws > 0", timeout=60_000)
    assert page.locator('[role="tab"][aria-selected="true"]').inner_text() == "Sliding window"
    assert shown(page)["products"] is not None
    weights = [t.split("\u00d7")[1].strip() for t in page.locator(".sw-parts").all_inner_texts()]  # pierces the shadow root
    assert weights == ["0.00", "\u22121.00", "0.00", "\u22121.00", "5.00", "\u22121.00", "0.00", "\u22121.00", "0.00"]
